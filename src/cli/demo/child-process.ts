import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** Starts a helper process whose output goes to a log file descriptor, not to the user's terminal. */
export function startChild(
  command: string,
  args: string[],
  logFd: number,
  env?: NodeJS.ProcessEnv,
): ChildProcess {
  return spawn(command, args, { stdio: ['ignore', logFd, logFd], env: env ?? process.env });
}

/** Waits until `file` exists and parses as JSON, or fails if the child exits or time runs out. */
export async function waitForJsonFile<T>(
  file: string,
  child: ChildProcess,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${what} exited with code ${child.exitCode} before it was ready`);
    if (existsSync(file)) {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as T;
      } catch {
        // still being written
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} was not ready after ${timeoutMs / 1000} s`);
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
