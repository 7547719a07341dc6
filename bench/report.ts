// bench/report: how fast and how flat the report's workbook writer is. Each measurement runs in a child process of
// its own (bench/lib/report-writer), so each peak RSS belongs to one workbook: the streaming writer at 100,000 and
// 1,000,000 finding rows with the Findings sheet's styles, and exceljs's in-memory Workbook at 100,000 rows as the
// baseline. Human lines, then one JSON line. Targets: ≥ 50,000 rows/s, peak RSS ≤ 250 MB, 1M RSS ≤ 1.5 × 100k.
//   npm run -s build && node dist/bench/report.js        (BENCH_REPORT_ROWS=small,big to change the sizes)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

interface WriterResult {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  maxRssMB: number;
  fileMB?: number;
}

const [SMALL, BIG] = (process.env.BENCH_REPORT_ROWS ?? '100000,1000000').split(',').map(Number) as [
  number,
  number,
];

function measure(mode: 'stream' | 'memory', rows: number, dir: string): Promise<WriterResult> {
  const file = path.join(dir, `${mode}-${rows}.xlsx`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'lib/report-writer.js')], {
      env: {
        ...process.env,
        BENCH_REPORT_MODE: mode,
        BENCH_REPORT_ROWS: String(rows),
        BENCH_REPORT_FILE: file,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`report-writer (${mode}, ${rows}) exited with ${code}`));
      const result = JSON.parse(out.trim().split('\n').pop() ?? '') as WriterResult;
      result.fileMB = Math.round(statSync(file).size / 1e5) / 10;
      rmSync(file, { force: true });
      resolve(result);
    });
  });
}

function line(label: string, r: WriterResult): string {
  return `${label}: ${r.rows} rows in ${r.seconds.toFixed(1)} s = ${r.rowsPerSecond} rows/s, peak RSS ${r.maxRssMB} MB, ${r.fileMB} MB file`;
}

async function main(): Promise<void> {
  console.log(`bench/report: node ${process.version}, ${os.cpus().length} cpus`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'crw-bench-report-'));
  try {
    const small = await measure('stream', SMALL, dir);
    console.log(line('streaming writer', small));
    const big = await measure('stream', BIG, dir);
    console.log(line('streaming writer', big));
    const baseline = await measure('memory', SMALL, dir);
    console.log(line('exceljs in-memory Workbook (baseline)', baseline));
    const rssRatio = Math.round((big.maxRssMB / small.maxRssMB) * 1000) / 1000;
    const targets = {
      rowsPerSecond: Math.min(small.rowsPerSecond, big.rowsPerSecond) >= 50_000,
      peakRss: Math.max(small.maxRssMB, big.maxRssMB) <= 250,
      rssRatio: rssRatio <= 1.5,
    };
    console.log(`1M / 100k peak RSS: ${rssRatio}; targets met: ${JSON.stringify(targets)}`);
    console.log(
      JSON.stringify({
        bench: 'report',
        streaming: { small, big, rssRatio },
        inMemoryBaseline: baseline,
        targets,
        node: process.version,
        cpus: os.cpus().length,
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
