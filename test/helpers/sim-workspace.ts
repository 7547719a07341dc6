import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { stringify } from 'yaml';
import { startSim, type SimHandle, type SimOptions } from '../../sim';
import { createGraphRequestAudit, type GraphRequestAudit } from '../../sim/graph-metadata';
import { simConfigDocument } from '../../src/cli/demo/demo-config';
import { loadConfig } from '../../src/config/load-config';
import type { Config } from '../../src/config/schema';
import { createLogger, type Logger } from '../../src/observability/logger';
import { deleteKeys, REDIS_URL, uniquePrefix } from './redis-keys';

/** sim/ plus a crw configuration pointing at it, a private Redis prefix and a temporary report store. */
export interface SimWorkspace {
  sim: SimHandle;
  /** Every Graph request the project's clients sent, checked against Graph's metadata (CSDL). */
  graphAudit: GraphRequestAudit;
  dir: string;
  configPath: string;
  config: Config;
  prefix: string;
  /** Every log line written through `logger`. */
  logLines: string[];
  logger: Logger;
  /** Rewrites the config file (e.g. with tenants removed) and reloads it. */
  rewriteConfig(edit: (document: ReturnType<typeof simConfigDocument>) => void): Config;
  close(): Promise<void>;
}

export async function openSimWorkspace(
  label: string,
  simOptions: SimOptions,
  configOptions: { shutdownGraceSeconds?: number; httpPort?: number; jobLockSeconds?: number } = {},
): Promise<SimWorkspace> {
  const graphAudit = createGraphRequestAudit();
  const sim = await startSim({
    ...simOptions,
    onGraphRequest: (method, url, body) => graphAudit.record(method, url, body),
  });
  const dir = mkdtempSync(path.join(tmpdir(), `crw-${label}-`));
  const prefix = uniquePrefix(label);
  const configPath = path.join(dir, 'crw.yaml');
  const write = (document: ReturnType<typeof simConfigDocument>) => {
    writeFileSync(configPath, stringify(document));
    return loadConfig({ path: configPath, env: {} });
  };
  const base = () =>
    simConfigDocument(sim.ready, {
      redisUrl: REDIS_URL,
      redisPrefix: prefix,
      reportsDir: path.join(dir, 'reports'),
      // No HTTP server unless a test asks: `crw worker` children of parallel tests would all want port 9464.
      httpPort: 0,
      ...configOptions,
    });
  const config = write(base());
  // The worker's managed identity endpoint, as the platform would provide it.
  process.env.IDENTITY_ENDPOINT = sim.ready.managedIdentity.endpoint;
  process.env.IDENTITY_HEADER = sim.ready.managedIdentity.header;

  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level: 'debug', name: label }, sink);
  return {
    sim,
    graphAudit,
    dir,
    configPath,
    config,
    prefix,
    logLines,
    logger,
    rewriteConfig: (edit) => {
      const document = base();
      edit(document);
      return write(document);
    },
    close: async () => {
      // Every Graph request the project's clients sent during the test must exist in Graph's metadata.
      const problems = graphAudit.problems();
      await sim.stop();
      await deleteKeys(prefix);
      rmSync(dir, { recursive: true, force: true });
      if (problems.length > 0)
        throw new Error(`Graph requests not in Graph's metadata:\n${problems.join('\n')}`);
    },
  };
}

/** Environment for a child `crw` process using this workspace. */
export function childEnv(workspace: SimWorkspace): NodeJS.ProcessEnv {
  return {
    ...process.env,
    IDENTITY_ENDPOINT: workspace.sim.ready.managedIdentity.endpoint,
    IDENTITY_HEADER: workspace.sim.ready.managedIdentity.header,
    CRW_CONFIG: workspace.configPath,
  };
}

export const CLI = path.resolve(__dirname, '../../dist/src/cli/main.js');
