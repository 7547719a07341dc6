// CLI of the sim: start one simulated tenant, write the ready file (SimReady JSON plus controlUrl, atomically) and
// optionally the ground truth, run until SIGINT/SIGTERM. Exit codes: 0 stopped by signal, 2 usage error, 3 failed
// to start.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { readFile, rename, writeFile } from 'node:fs/promises';
import {
  FAULT_KINDS,
  FAULT_TARGETS,
  parseFaultFlag,
  parseFaultsDocument,
  type FaultRule,
} from './faults/fault-rules';
import { startSim, type SimHandle } from './index';
import { expectedResults } from './tenant/ground-truth';
import { DEFAULT_GRANTED_PERMISSIONS, normalizeTenantOptions } from './tenant/index';
import type { SimTenantOptions } from './types';

interface CliOptions {
  port: number;
  users: number;
  seed: number;
  readyFile: string;
  tenant: string;
  credential: 'certificate' | 'secret';
  tokenLifetime?: number;
  groundTruth?: string;
  dataDir?: string;
  graphLatency?: number;
  throttling: 'on' | 'off';
  fault: FaultRule[];
  faults?: string;
  faultSeed?: number;
  grant: string[];
}

function integer(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return parsed;
  };
}

function parseArguments(argv: string[]): CliOptions {
  const program = new Command('sim')
    .description('Simulated Microsoft cloud (Entra ID, managed identity, Key Vault, Graph) on 127.0.0.1')
    .addOption(new Option('--port <port>', 'https port, 0 = random').argParser(integer(0, 65535)).default(0))
    .requiredOption('--users <count>', 'users in the tenant', integer(1))
    .addOption(new Option('--seed <seed>', 'generator seed').argParser(integer(0)).default(1))
    .requiredOption('--ready-file <file>', 'where to write the SimReady JSON once listening')
    .option('--tenant <name>', 'tenant name', 'contoso')
    .addOption(
      new Option('--credential <kind>', 'scanning app credential kind')
        .choices(['certificate', 'secret'])
        .default('certificate'),
    )
    .addOption(new Option('--token-lifetime <seconds>', 'access token lifetime').argParser(integer(1)))
    .option('--ground-truth <file>', 'write the expected control results (JSON) here')
    .option('--data-dir <dir>', 'folder for ca.pem (default: a fresh temporary folder)')
    .option(
      '--grant <permissions>',
      'more application permissions for the scanning app, comma-separated (e.g. report mail: ' +
        'Mail.Send,Mail.ReadWrite,Mail.ReadBasic.All); added to the read permissions the controls need',
      (value: string) =>
        value
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean),
      [] as string[],
    )
    .addOption(new Option('--graph-latency <ms>', 'delay every Graph response').argParser(integer(0)))
    .addOption(
      new Option('--throttling <state>', 'Graph throttling at the documented budgets')
        .choices(['on', 'off'])
        .default('off'),
    )
    .addOption(
      new Option(
        '--fault <KIND[@TARGET]=WHEN>',
        `inject a fault (repeatable); WHEN is a rate 0..1, "once" or "after:N"; KIND: ${FAULT_KINDS.join(', ')}; ` +
          `TARGET (default graph): ${FAULT_TARGETS.join(', ')}; e.g. --fault http-503=0.05 --fault http-503@keyvault=once`,
      )
        .argParser(collectFault)
        .default([], 'none'),
    )
    .option(
      '--faults <file>',
      'fault rules as JSON: [{"fault","target","rate","after","times","once","durationMs","retryAfterSeconds",' +
        '"latencyMs","path","cmdlet"} and for corrupt-field "field","corruption","value","where"] or ' +
        '{"seed": n, "rules": [...]}; added before the --fault rules',
    )
    .addOption(new Option('--fault-seed <seed>', 'seed of the fault rates (default 1)').argParser(integer(0)))
    .addHelpText(
      'after',
      '\nThe ready file names the control API (controlUrl, JSON under /_sim): GET /_sim lists its routes ' +
        '(stats, faults, throttling, tokens, credential rotation, Key Vault items, mail).',
    )
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  program.parse(argv, { from: 'user' });
  return program.opts<CliOptions>();
}

function collectFault(flag: string, previous: FaultRule[]): FaultRule[] {
  try {
    return [...previous, parseFaultFlag(flag)];
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

/** The --faults file's rules, then the --fault flags; the seed from --fault-seed, else from the file. */
async function faultRules(options: CliOptions): Promise<{ seed?: number; rules: FaultRule[] }> {
  let fromFile: { seed?: number; rules: FaultRule[] } = { rules: [] };
  if (options.faults) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(options.faults, 'utf8'));
    } catch (error) {
      throw new Error(
        `--faults ${options.faults}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    fromFile = parseFaultsDocument(json, options.faults);
  }
  const seed = options.faultSeed ?? fromFile.seed;
  return { ...(seed !== undefined && { seed }), rules: [...fromFile.rules, ...options.fault] };
}

/** Writes beside the target then renames, so a reader never sees a half-written file. */
async function writeFileAtomically(file: string, content: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, file);
}

/** The exit code, or 'running' while the sim serves (the signal handlers exit). */
async function main(argv: string[]): Promise<number | 'running'> {
  let options: CliOptions;
  try {
    options = parseArguments(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed the message or the help text.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
    }
    throw error;
  }

  const tenantOptions: SimTenantOptions = {
    name: options.tenant,
    seed: options.seed,
    users: options.users,
    credential: options.credential,
    ...(options.grant.length > 0 && {
      grantedPermissions: [...new Set([...DEFAULT_GRANTED_PERMISSIONS, ...options.grant])],
    }),
  };
  let faults: { seed?: number; rules: FaultRule[] };
  try {
    normalizeTenantOptions(tenantOptions);
    faults = await faultRules(options);
  } catch (error) {
    console.error(`sim: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }

  let sim: SimHandle;
  try {
    sim = await startSim({
      port: options.port,
      ...(options.dataDir !== undefined && { dataDir: options.dataDir }),
      tenants: [tenantOptions],
      ...(options.tokenLifetime !== undefined && { tokenLifetimeSeconds: options.tokenLifetime }),
      ...(options.graphLatency !== undefined && { graphLatencyMs: options.graphLatency }),
      throttling: options.throttling === 'on',
      faults,
    });
  } catch (error) {
    console.error(`sim: failed to start: ${error instanceof Error ? error.message : String(error)}`);
    return 3;
  }

  const stop = (signal: string): void => {
    sim.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`sim: error while stopping on ${signal}:`, error);
        process.exit(3);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));

  try {
    if (options.groundTruth) {
      const truth = expectedResults(sim.tenant(options.tenant));
      await writeFileAtomically(options.groundTruth, `${JSON.stringify(truth, null, 2)}\n`);
    }
    await writeFileAtomically(options.readyFile, `${JSON.stringify(sim.ready, null, 2)}\n`);
  } catch (error) {
    console.error(
      `sim: failed to write output files: ${error instanceof Error ? error.message : String(error)}`,
    );
    await sim.stop();
    return 3;
  }
  const [tenant] = sim.ready.tenants;
  console.error(
    `sim: listening on ${sim.ready.authorityHost} (managed identity ${sim.ready.imdsAuthorityHost}); tenant ` +
      `${tenant?.name} ${tenant?.tenantId} with ${tenant?.users} users; throttling ${options.throttling}; ` +
      `${faults.rules.length} fault rule(s); control API ${sim.ready.controlUrl}; ready file ${options.readyFile}`,
  );
  return 'running';
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 'running') process.exit(code);
  },
  (error: unknown) => {
    console.error('sim: unexpected failure:', error);
    process.exit(3);
  },
);
