import { ConfigError } from '../config/config-error';

/** Exit codes (ARCHITECTURE.md): 0 ok, 1 findings when --fail-on asks, 2 usage or config error, 3 runtime failure. */
export const EXIT = { ok: 0, findings: 1, usage: 2, runtime: 3 } as const;

/** A wrong command line: printed as is, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Runs a command action and turns its outcome into an exit code with a one-line explanation on stderr. */
export async function runAction(action: () => Promise<number | void>): Promise<never> {
  let code: number;
  try {
    code = (await action()) ?? EXIT.ok;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError) {
      process.stderr.write(`crw: ${err.message}\n`);
      code = EXIT.usage;
    } else {
      process.stderr.write(`crw: ${(err as Error).message ?? String(err)}\n`);
      code = EXIT.runtime;
    }
  }
  // Flush stdout/stderr before leaving: process.exit would cut piped output.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}
