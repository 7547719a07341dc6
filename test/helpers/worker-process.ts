// Worker processes (`crw worker`) for tests that signal or kill them.
import { spawn, type ChildProcess } from 'node:child_process';
import { childEnv, CLI, type SimWorkspace } from './sim-workspace';

export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function startWorkerProcess(ws: SimWorkspace): WorkerProcess {
  const child = spawn(process.execPath, [CLI, 'worker'], {
    env: childEnv(ws),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Log entries (pino JSON) of one job, from a worker's output. */
export function jobLogEntries(
  worker: WorkerProcess,
  jobId: string | undefined,
): Array<Record<string, unknown>> {
  return worker
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.jobId === jobId);
}

/** Log messages of one job, from a worker's output. */
export function jobLog(worker: WorkerProcess, jobId: string | undefined): string[] {
  return jobLogEntries(worker, jobId).map((entry) => String(entry.msg));
}
