#!/usr/bin/env node
import { Command, Option } from 'commander';
import { demoCommand } from './demo/demo-command';
import { enqueueCommand } from './commands/enqueue';
import { scanCommand } from './commands/scan';
import { secretsCheckCommand } from './commands/secrets-check';
import { reportListCommand, reportVerifyCommand } from './commands/report';
import { scheduleApplyCommand, scheduleListCommand, scheduleRemoveCommand } from './commands/schedule';
import { workerCommand } from './commands/worker';
import { EXIT, runAction } from './exit-codes';
import { defaultConfigPath, type GlobalOptions } from './load';

const program = new Command('crw')
  .description('compliance-report-worker: scheduled compliance scans of Microsoft 365 tenants')
  .addOption(
    new Option('-c, --config <path>', 'configuration file (env CRW_CONFIG)').default(defaultConfigPath()),
  )
  .showHelpAfterError()
  .exitOverride((err) => process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage));

const globals = (): GlobalOptions => program.opts<GlobalOptions>();

program
  .command('worker')
  .description('run queued and scheduled scans until SIGTERM')
  .action(() => runAction(() => workerCommand(globals())));

program
  .command('scan')
  .description('scan one tenant in this process (no Redis) and write its report')
  .requiredOption('-t, --tenant <name>', 'tenant name from the configuration')
  .option('--once', 'run one scan now and exit')
  .option('--fail-on <severity>', 'exit 1 when a control of this severity or higher fails (high|medium|low)')
  .action((opts: { tenant: string; once?: boolean; failOn?: string }) =>
    runAction(() => scanCommand({ ...globals(), ...opts })),
  );

program
  .command('enqueue')
  .description('queue a scan of one tenant now')
  .requiredOption('-t, --tenant <name>', 'tenant name from the configuration')
  .option('-w, --wait', 'follow the scan and print the report path when done')
  .action((opts: { tenant: string; wait?: boolean }) =>
    runAction(() => enqueueCommand({ ...globals(), ...opts })),
  );

const schedule = program
  .command('schedule')
  .description('manage the BullMQ job schedulers of the configured schedules');
schedule
  .command('apply')
  .description('make Redis hold exactly the configured schedules (idempotent)')
  .action(() => runAction(() => scheduleApplyCommand(globals())));
schedule
  .command('list')
  .description("list schedules with the next run in each schedule's time zone")
  .action(() => runAction(() => scheduleListCommand(globals())));
schedule
  .command('remove')
  .description('remove schedulers (all, or of one tenant)')
  .option('-t, --tenant <name>', 'only this tenant')
  .action((opts: { tenant?: string }) => runAction(() => scheduleRemoveCommand({ ...globals(), ...opts })));

program
  .command('secrets')
  .description("check the tenants' credentials and app permissions")
  .command('check')
  .description(
    'per tenant: Key Vault item, tokens for Graph and Exchange, permissions granted versus needed per control; exit 0 only when every selected control can run',
  )
  .option('-t, --tenant <name>', 'only this tenant')
  .action((opts: { tenant?: string }) => runAction(() => secretsCheckCommand({ ...globals(), ...opts })));

const report = program.command('report').description('the report store');
report
  .command('list')
  .description('complete runs with date, score and counts, oldest first')
  .option('-t, --tenant <name>', 'only this tenant')
  .action((opts: { tenant?: string }) => runAction(() => reportListCommand({ ...globals(), ...opts })));
report
  .command('verify')
  .description(
    'open a workbook with LibreOffice headless (libreoffice-calc); exit 0 only when every sheet loads without errors or repairs',
  )
  .argument('<file>', 'the report.xlsx to check')
  .option('--timeout <seconds>', 'seconds LibreOffice may take (default 120)')
  .action((file: string, opts: { timeout?: string }) => runAction(() => reportVerifyCommand(file, opts)));

program
  .command('demo')
  .description('run the whole pipeline against the simulated cloud (sim/) and print the report')
  .option('--users <n>', 'users in the demo tenant', '200')
  .option('--seed <n>', 'tenant generator seed', '1')
  .option('--dir <path>', 'working folder for the demo (config, sim CA, logs)', '.demo')
  .action((opts: { users: string; seed: string; dir: string }) => runAction(() => demoCommand(opts)));

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`crw: ${(err as Error).message}\n`);
  process.exit(EXIT.usage);
});
