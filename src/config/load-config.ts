// Loads the one Config: read the YAML file, apply CRW_* environment overrides, validate with the zod schema,
// resolve relative paths against the config file's folder, freeze. Every problem found is reported at once.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import {
  ConfigError,
  UnknownTenantError,
  closestMatch,
  type ConfigIssue,
  type NonEmptyIssues,
} from './config-error';
import { configSchema, quoteValue, type Config, type TenantConfig } from './schema';

export interface LoadConfigOptions {
  /** The config file, as the user gave it (--config); messages name it this way. */
  path: string;
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface EnvOverride {
  readonly name: string;
  /** [section, field] in the config file. */
  readonly field: readonly [string, string];
  readonly kind: 'text' | 'path' | 'positiveInteger' | 'nonNegativeInteger';
}

/** Deployment settings that the environment may override. Empty values count as unset. */
export const ENV_OVERRIDES: readonly EnvOverride[] = [
  { name: 'CRW_REDIS_URL', field: ['redis', 'url'], kind: 'text' },
  { name: 'CRW_REDIS_PREFIX', field: ['redis', 'prefix'], kind: 'text' },
  { name: 'CRW_REPORTS_DIR', field: ['reports', 'dir'], kind: 'path' },
  { name: 'CRW_REPORTS_KEEP_RUNS', field: ['reports', 'keepRuns'], kind: 'positiveInteger' },
  { name: 'CRW_LOG_LEVEL', field: ['log', 'level'], kind: 'text' },
  { name: 'CRW_WORKER_CONCURRENCY', field: ['worker', 'concurrency'], kind: 'positiveInteger' },
  { name: 'CRW_HTTP_PORT', field: ['worker', 'httpPort'], kind: 'nonNegativeInteger' },
  { name: 'CRW_CA_FILE', field: ['cloud', 'caFile'], kind: 'path' },
  { name: 'CRW_KEYVAULT_URL', field: ['keyVault', 'url'], kind: 'text' },
];

const MISSING = 'required field is missing';

export function loadConfig(options: LoadConfigOptions): Config {
  return parseConfig(readConfigFile(options.path), options.path, options.env);
}

/**
 * Parses config text. `sourceName` names the file in messages, and its folder is the base for relative paths
 * (a bare name such as "crw.yaml" means the current directory).
 */
export function parseConfig(text: string, sourceName: string, env: NodeJS.ProcessEnv = process.env): Config {
  const raw = parseYaml(text, sourceName);
  const overrides = applyEnvOverrides(raw, env, sourceName);
  const result = configSchema.safeParse(raw, { error: genericMessage, reportInput: true });
  if (!result.success) fail([...overrides.issues, ...zodIssues(result.error, sourceName, overrides.sources)]);
  if (overrides.issues.length > 0) fail(overrides.issues);
  return deepFreeze(resolvePaths(result.data, sourceName, overrides.sources));
}

/** The tenant called `name`, or an UnknownTenantError listing the configured names. */
export function findTenant(config: Config, name: string): TenantConfig {
  const tenant = config.tenants.find((candidate) => candidate.name === name);
  if (tenant === undefined)
    throw new UnknownTenantError(
      name,
      config.tenants.map((candidate) => candidate.name),
    );
  return tenant;
}

function readConfigFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const absolute = path.resolve(file);
    const problem =
      code === 'ENOENT'
        ? `config file not found (looked at ${absolute}); pass --config <file>, ` +
          'or copy crw.example.yaml to crw.yaml and edit it'
        : code === 'EISDIR'
          ? `${absolute} is a directory; pass --config <file>`
          : code === 'EACCES'
            ? `cannot read ${absolute}: permission denied`
            : `cannot read ${absolute}: ${(error as Error).message}`;
    fail([{ file, fieldPath: '', problem }]);
  }
}

function parseYaml(text: string, file: string): unknown {
  const doc = parseDocument(text);
  const issues: ConfigIssue[] = [];
  const seenLines = new Set<number>();
  for (const error of doc.errors) {
    const position = error.linePos?.[0];
    // One line of YAML often yields several errors (e.g. each unquoted "*" of a cron expression): keep the first.
    if (position !== undefined && seenLines.has(position.line)) continue;
    if (position !== undefined) seenLines.add(position.line);
    issues.push({
      file,
      fieldPath: '',
      problem: yamlProblem(error.code, error.message),
      ...(position === undefined ? {} : { line: position.line, column: position.col }),
    });
  }
  if (issues.length > 0) fail(issues);
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (error) {
    fail([{ file, fieldPath: '', problem: yamlProblem('', (error as Error).message) }]);
  }
  if (value === null || value === undefined)
    fail([{ file, fieldPath: '', problem: 'the file is empty; see crw.example.yaml for every field' }]);
  if (typeof value !== 'object' || Array.isArray(value))
    fail([
      {
        file,
        fieldPath: '',
        problem: `expected a mapping of settings (redis:, tenants:, …) at the top level, got ${describeInput(value)}`,
      },
    ]);
  return value;
}

function yamlProblem(code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS') return 'the file holds several YAML documents (---); keep only one';
  const first = (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
  const aliasHint = /alias/i.test(first)
    ? ' (a value starting with "*" is read as a YAML alias: quote it, e.g. cron: "*/15 * * * *")'
    : '';
  return `invalid YAML: ${first}${aliasHint}`;
}

interface EnvSource {
  readonly name: string;
  readonly value: string;
}

/** Writes overrides into the parsed document, so that the schema validates them like file values. */
function applyEnvOverrides(
  raw: unknown,
  env: NodeJS.ProcessEnv,
  file: string,
): { issues: ConfigIssue[]; sources: Map<string, EnvSource> } {
  const issues: ConfigIssue[] = [];
  const sources = new Map<string, EnvSource>();
  const root = raw as Record<string, unknown>;
  for (const override of ENV_OVERRIDES) {
    const text = env[override.name];
    if (text === undefined || text.trim() === '') continue; // compose files often pass VAR= for "unset"
    const [section, field] = override.field;
    const fieldPath = `${section}.${field}`;
    let value: string | number = text.trim();
    if (override.kind === 'positiveInteger' || override.kind === 'nonNegativeInteger') {
      const min = override.kind === 'positiveInteger' ? 1 : 0;
      if (!/^\d+$/.test(value) || Number(value) < min) {
        const expected = min === 1 ? 'a positive integer' : 'a whole number (0 or more)';
        issues.push({
          file,
          fieldPath,
          problem: `${override.name}=${quoteValue(text)}: expected ${expected}`,
        });
        continue;
      }
      value = Number(value);
    }
    const current = root[section];
    if (current === undefined || current === null) root[section] = { [field]: value };
    else if (isPlainObject(current)) current[field] = value;
    else continue; // the section has the wrong type: the schema reports it
    sources.set(fieldPath, { name: override.name, value: text });
  }
  return { issues, sources };
}

function zodIssues(error: z.ZodError, file: string, sources: Map<string, EnvSource>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      // schema.ts writes one line per unknown key, in issue.keys order.
      const lines = issue.message.split('\n');
      issue.keys.forEach((key, index) =>
        issues.push({
          file,
          fieldPath: formatPath([...issue.path, key]),
          problem: lines[index] ?? `unknown field '${key}'`,
        }),
      );
      continue;
    }
    const fieldPath = formatPath(issue.path);
    const envOverride = ENV_OVERRIDES.find((override) => override.field.join('.') === fieldPath);
    const source = sources.get(fieldPath);
    let problem = issue.message;
    if (source !== undefined) problem = `${source.name}=${quoteValue(source.value)}: ${problem}`;
    else if (problem === MISSING && envOverride !== undefined) problem += ` (or set ${envOverride.name})`;
    issues.push({ file, fieldPath, problem });
  }
  return issues;
}

/** Messages for issues the schema does not word itself; schema-level messages take precedence. */
const genericMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return MISSING;
      const quoteHint =
        issue.expected === 'string' && typeof issue.input === 'number'
          ? '; put it in quotes to make it text'
          : '';
      return `expected ${describeExpected(issue.expected)}, got ${describeInput(issue.input)}${quoteHint}`;
    }
    case 'too_small':
      return issue.origin === 'array'
        ? `must list at least ${issue.minimum} item(s)`
        : issue.origin === 'string'
          ? 'must not be empty'
          : `must be at least ${issue.minimum}, got ${describeInput(issue.input)}`;
    case 'too_big':
      return issue.origin === 'array'
        ? `must list at most ${issue.maximum} item(s)`
        : `must be at most ${issue.maximum}, got ${describeInput(issue.input)}`;
    case 'invalid_value':
      return `expected one of: ${issue.values.map(String).join(', ')}; got ${describeInput(issue.input)}`;
    case 'invalid_union': {
      if (issue.discriminator === undefined || !Array.isArray(issue.options)) return undefined;
      const options = issue.options.map(String);
      const value = isPlainObject(issue.input) ? issue.input[issue.discriminator] : undefined;
      if (value === undefined) return `${MISSING} (one of: ${options.join(', ')})`;
      const close = typeof value === 'string' ? closestMatch(value, options) : undefined;
      return close === undefined
        ? `unknown ${issue.discriminator} ${quoteValue(value)}; expected one of: ${options.join(', ')}`
        : `unknown ${issue.discriminator} ${quoteValue(value)} (did you mean "${close}"?)`;
    }
    default:
      return undefined;
  }
};

function describeExpected(expected: string): string {
  const names: Record<string, string> = {
    string: 'text',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
    array: 'a list',
    tuple: 'a list',
    object: 'a mapping (indented "key: value" lines)',
  };
  return names[expected] ?? expected;
}

function describeInput(input: unknown): string {
  if (input === null) return 'no value';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'string') return `text ${quoteValue(input)}`;
  if (typeof input === 'number') return `the number ${input}`;
  if (typeof input === 'boolean') return String(input);
  if (typeof input === 'object') return 'a mapping';
  return typeof input;
}

function formatPath(segments: readonly PropertyKey[]): string {
  return segments
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');
}

/** File values resolve against the config file's folder; environment values against the working directory. */
function resolvePaths(config: Config, sourceName: string, sources: Map<string, EnvSource>): Config {
  const configDir = path.dirname(path.resolve(sourceName));
  const base = (fieldPath: string) => (sources.has(fieldPath) ? process.cwd() : configDir);
  const reportsDir = path.resolve(base('reports.dir'), config.reports.dir);
  const caFile =
    config.cloud.caFile === undefined ? undefined : path.resolve(base('cloud.caFile'), config.cloud.caFile);
  if (caFile !== undefined && !isFile(caFile)) {
    const source = sources.get('cloud.caFile');
    const prefix = source === undefined ? '' : `${source.name}=${quoteValue(source.value)}: `;
    fail([
      {
        file: sourceName,
        fieldPath: 'cloud.caFile',
        problem: `${prefix}CA file not found: ${caFile} (relative paths resolve against ${base('cloud.caFile')})`,
      },
    ]);
  }
  const smtp = config.delivery.smtp;
  const smtpCaFile = smtp?.caFile === undefined ? undefined : path.resolve(configDir, smtp.caFile);
  if (smtpCaFile !== undefined && !isFile(smtpCaFile)) {
    fail([
      {
        file: sourceName,
        fieldPath: 'delivery.smtp.caFile',
        problem: `CA file not found: ${smtpCaFile} (relative paths resolve against ${configDir})`,
      },
    ]);
  }
  return {
    ...config,
    reports: { ...config.reports, dir: reportsDir },
    cloud: { ...config.cloud, ...(caFile === undefined ? {} : { caFile }) },
    ...(smtp && smtpCaFile !== undefined
      ? { delivery: { ...config.delivery, smtp: { ...smtp, caFile: smtpCaFile } } }
      : {}),
  };
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Callers pass at least one issue. */
function fail(issues: readonly ConfigIssue[]): never {
  throw new ConfigError(issues as NonEmptyIssues);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
