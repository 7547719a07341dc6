import { readFile } from 'node:fs/promises';
import { findTenant } from '../../config/load-config';
import type { RunResults } from '../../controls/types';
import { newRunId } from '../../jobs/run-id';
import { runScan } from '../../jobs/run-scan';
import { createScanServices } from '../../jobs/scan-services';
import { EXIT, UsageError } from '../exit-codes';
import { cliLogger, loadCliConfig, type GlobalOptions } from '../load';
import { printRunSummary } from '../print-summary';
import { failsAt, parseFailOn } from '../fail-on';

export interface ScanOptions extends GlobalOptions {
  tenant: string;
  once?: boolean;
  failOn?: string;
}

/** `crw scan --tenant NAME --once`: one scan in this process, no Redis. */
export async function scanCommand(options: ScanOptions): Promise<number> {
  if (!options.once) {
    throw new UsageError(
      'crw scan runs in-process and needs --once; use "crw enqueue --tenant NAME" to queue a scan',
    );
  }
  const failOn = parseFailOn(options.failOn);
  const config = loadCliConfig(options);
  const tenant = findTenant(config, options.tenant);
  const logger = cliLogger(config);
  const services = createScanServices(config);
  try {
    const result = await runScan(services, {
      tenant,
      runId: newRunId(),
      logger: logger.child({ tenant: tenant.name }),
    });
    const results = JSON.parse(await readFile(result.resultsPath, 'utf8')) as RunResults;
    printRunSummary(process.stdout, result, results);
    if (tenant.mail !== undefined)
      process.stdout.write(
        '\nNot mailed: "crw scan --once" only writes the report; runs queued by schedules or "crw enqueue" are mailed by the worker.\n',
      );
    return failOn && failsAt(results, failOn) ? EXIT.findings : EXIT.ok;
  } finally {
    services.http.close();
  }
}
