// One real scan (runScan via createScanServices, every control) against the sim, as the worker process would run
// it; bench/scan starts this as a child so that its peak RSS is the worker's alone. Prints one JSON line:
// {seconds, maxRssMB, summary, controls}.
//   env: BENCH_READY (SimReady JSON), BENCH_DIR (a scratch folder for the config and reports)
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { demoConfigYaml, type SimReadyFile } from '../../src/cli/demo/demo-config';
import { loadConfig } from '../../src/config/load-config';
import IORedis from 'ioredis';
import { RedisScanCheckpoint } from '../../src/checkpoints/redis-scan-checkpoint';
import { newRunId } from '../../src/jobs/run-id';
import { runScan } from '../../src/jobs/run-scan';
import { createScanServices } from '../../src/jobs/scan-services';
import { createLogger } from '../../src/observability/logger';

export interface ScanWorkerResult {
  seconds: number;
  maxRssMB: number;
  summary: unknown;
  controls: { id: string; status: string; findings: number }[];
  /** Seconds from the first to the last progress report of each collector (where the time goes). */
  collectorSeconds: Record<string, number>;
  /** Seconds of the report phase: workbook (with the inventory sheets), first-seen.json and results.json. */
  reportSeconds: number | null;
}

async function main(): Promise<void> {
  const ready = JSON.parse(process.env.BENCH_READY ?? '') as SimReadyFile;
  const dir = process.env.BENCH_DIR ?? '';
  const configPath = path.join(dir, 'crw.yaml');
  // Every control with the tenant's break-glass accounts exempt, as `crw demo` scans; Redis holds the checkpoint.
  writeFileSync(configPath, demoConfigYaml(ready, 'redis://127.0.0.1:6379', path.join(dir, 'reports')));
  const config = loadConfig({ path: configPath, env: {} });
  const tenant = config.tenants[0];
  if (!tenant) throw new Error('the sim has no tenant');
  const referenceTime = new Date(ready.referenceTime ?? Date.now());
  // MSAL's managed identity reads these from process.env itself, as on App Service.
  process.env.IDENTITY_ENDPOINT = ready.managedIdentity.endpoint;
  process.env.IDENTITY_HEADER = ready.managedIdentity.header;
  const services = createScanServices(config, process.env, { now: () => referenceTime });
  const logger = createLogger(
    { level: process.env.BENCH_LOG_LEVEL ?? 'warn', name: 'bench-scan' },
    process.stderr,
  );
  const started = process.hrtime.bigint();
  const spans = new Map<string, { first: number; last: number }>();
  const onProgress = ({ collector, phase }: { collector?: string; phase: string }) => {
    const now = performance.now();
    const name = collector ?? phase;
    const span = spans.get(name) ?? { first: now, last: now };
    span.last = now;
    spans.set(name, span);
  };
  // The checkpoint the worker uses: the findings wait in Redis until the report, as in production.
  const redis = new IORedis(config.redis.url);
  const runId = newRunId();
  const checkpoint = new RedisScanCheckpoint(
    redis,
    `crw-bench-${process.pid}`,
    tenant.name,
    runId,
    3_600_000,
  );
  const result = await runScan(services, { tenant, runId, logger, onProgress, checkpoint }).finally(() =>
    redis.quit(),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const output: ScanWorkerResult = {
    seconds,
    // resourceUsage().maxRSS is in KiB (getrusage): the whole life of this process.
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    summary: result.summary,
    controls: result.controls,
    collectorSeconds: Object.fromEntries(
      [...spans].map(([name, span]) => [name, Math.round(span.last - span.first) / 1000]),
    ),
    reportSeconds: phaseSeconds(spans, 'report', 'done'),
  };
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

/** Seconds from the first progress of phase `from` to the first of phase `to`. */
function phaseSeconds(spans: Map<string, { first: number }>, from: string, to: string): number | null {
  const start = spans.get(from)?.first;
  const end = spans.get(to)?.first;
  return start === undefined || end === undefined ? null : Math.round(end - start) / 1000;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('scan-worker:', error);
    process.exit(1);
  },
);
