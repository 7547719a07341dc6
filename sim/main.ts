// CLI of the sim: start one simulated tenant, write the ready file (SimReady JSON, atomically) and optionally the
// ground truth, run until SIGINT/SIGTERM. Exit codes: 0 stopped by signal, 2 usage error, 3 failed to start.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { rename, writeFile } from 'node:fs/promises';
import { startSim, type SimHandle } from './index';
import { expectedResults } from './tenant/ground-truth';
import { normalizeTenantOptions } from './tenant/index';
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
    .addOption(new Option('--graph-latency <ms>', 'delay every Graph response').argParser(integer(0)))
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  program.parse(argv, { from: 'user' });
  return program.opts<CliOptions>();
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
  };
  try {
    normalizeTenantOptions(tenantOptions);
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
      `${tenant?.name} ${tenant?.tenantId} with ${tenant?.users} users; ready file ${options.readyFile}`,
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
