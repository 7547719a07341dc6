import { loadConfig } from '../config/load-config';
import type { Config } from '../config/schema';
import { createLogger, type Logger } from '../observability/logger';

export interface GlobalOptions {
  config: string;
}

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CRW_CONFIG ?? './crw.yaml';
}

export function loadCliConfig(options: GlobalOptions): Config {
  return loadConfig({ path: options.config, env: process.env });
}

/** Logs go to stderr so that command output on stdout stays clean for people and pipes. */
export function cliLogger(config: Config, name = 'crw'): Logger {
  return createLogger({ level: config.log.level, name }, process.stderr);
}
