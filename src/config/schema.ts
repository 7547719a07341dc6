// The Config type and the zod schema that turns a parsed YAML document into it. Every object is strict so
// that a typo is an error, every optional field gets its default here, and every message says what to do.
// Paths stay as written: load-config.ts resolves them against the config file's folder.
import { parseExpression } from 'cron-parser';
import { z } from 'zod';
import { CLOUD_NAMES, CLOUD_PRESETS, type CloudEndpoints, type CloudName } from './cloud-presets';
import { closestMatch } from './config-error';
import { CONTROL_IDS, DEFAULT_PRIVILEGED_ROLES, type ControlId } from './control-ids';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface RedisConfig {
  readonly url: string;
  /** BullMQ key prefix. */
  readonly prefix: string;
}

export interface ReportsConfig {
  /** Absolute path of the report store's root. */
  readonly dir: string;
  /** Complete runs kept per tenant; older ones are deleted after each successful run (see retention.ts). */
  readonly keepRuns: number;
}

export interface LogConfig {
  readonly level: LogLevel;
}

export interface WorkerConfig {
  readonly concurrency: number;
  /** BullMQ attempts for a scan job. */
  readonly attempts: number;
  /** First exponential backoff delay. */
  readonly backoffSeconds: number;
  /** How long SIGTERM waits for running scans before handing them back to the queue. */
  readonly shutdownGraceSeconds: number;
  /**
   * BullMQ job lock: a worker that stops renewing it (killed, frozen, cut off) loses its job to another worker
   * after at most about twice this.
   */
  readonly jobLockSeconds: number;
  /** How long a run's checkpoint (collection progress) stays in Redis after its last write. */
  readonly checkpointTtlHours: number;
  /** Port of /metrics, /healthz and /readyz; 0 = no HTTP server. */
  readonly httpPort: number;
  /** Address the HTTP server listens on; all interfaces by default, for Prometheus and probes in containers. */
  readonly httpHost: string;
}

export interface CloudConfig extends CloudEndpoints {
  readonly name: CloudName;
  /** false only for emulators on localhost (sim/). */
  readonly keyVaultChallengeResourceCheck: boolean;
  /** Absolute path of an extra CA bundle (PEM) trusted for all endpoints; checked to exist. */
  readonly caFile?: string;
}

export interface KeyVaultConfig {
  readonly url: string;
}

/**
 * How the worker itself authenticates to Key Vault. Every type uses cloud.authorityHost and cloud.caFile (except
 * azureCli, which uses the Azure CLI's own cloud setting); none puts a secret in this file.
 */
export type WorkerIdentityConfig =
  /** System-assigned, or user-assigned when clientId is set; the endpoint comes from the platform. */
  | { readonly type: 'managedIdentity'; readonly clientId?: string }
  /** AKS workload identity: AZURE_FEDERATED_TOKEN_FILE, and AZURE_TENANT_ID / AZURE_CLIENT_ID unless set here. */
  | { readonly type: 'workloadIdentity'; readonly tenantId?: string; readonly clientId?: string }
  /** EnvironmentCredential's variables: AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH. */
  | { readonly type: 'environment' }
  /** Development only: the account signed in with `az login`. */
  | { readonly type: 'azureCli'; readonly tenantId?: string }
  | {
      readonly type: 'clientSecret';
      readonly tenantId: string;
      readonly clientId: string;
      /** NAME of the environment variable holding the secret. */
      readonly clientSecretEnv: string;
    }
  | { readonly type: 'default'; readonly tenantId?: string; readonly clientId?: string };

/** Tenant credentials read from Key Vault: caching, expiry warnings, retries of Key Vault reads. */
export interface CredentialsConfig {
  /** How long a credential read from Key Vault is reused; a rejected credential is re-read at once. */
  readonly cacheTtlHours: number;
  /** Warn (log, metric, report Summary) when the Key Vault item expires within this many days; 0 = never. */
  readonly expiryWarningDays: number;
  /** Retries of a throttled (429) or failed (5xx, connection error) Key Vault read inside the job. */
  readonly keyVaultRetries: number;
  /** First retry delay, doubled on each retry (1, 2, 4, 8, 16 s); a Retry-After from Key Vault wins. */
  readonly keyVaultRetryDelaySeconds: number;
}

export interface ScheduleConfig {
  readonly name: string;
  readonly cron: string;
  readonly tz: string;
}

export interface TenantCredentialConfig {
  readonly type: 'certificate' | 'secret';
  /** Key Vault item name. */
  readonly name: string;
}

export interface TenantSettings {
  /** Role template ids (lower case). */
  readonly privilegedRoles: readonly string[];
  /** UPNs as written; compare case-insensitively. */
  readonly breakGlass: readonly string[];
  readonly staleDays: number;
  /** [min, max] Global Administrators. */
  readonly globalAdminRange: readonly [number, number];
}

/** Where a tenant's reports are mailed, and how. */
export interface TenantMailConfig {
  /** graph: sendMail from `from`, a mailbox of this tenant, with the tenant's app (Mail.Send); smtp: delivery.smtp. */
  readonly via: 'graph' | 'smtp';
  /** Sender address (Graph: the mailbox that sends; SMTP: the From header). */
  readonly from: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  /** Attach results.json beside report.xlsx. */
  readonly attachResults: boolean;
}

export interface SmtpConfig {
  readonly host: string;
  readonly port: number;
  /** starttls: plain connection upgraded with STARTTLS, which is required; tls: TLS from the start (465); none: no TLS. */
  readonly security: 'starttls' | 'tls' | 'none';
  /** Login name; absent: no authentication. */
  readonly username?: string;
  /** Key Vault secret holding the password (required with username). */
  readonly passwordSecret?: string;
  /** Extra CA certificates (PEM) for the server's certificate, e.g. a private CA. */
  readonly caFile?: string;
}

export interface DeliveryConfig {
  /** Tries per delivery (the scan is never rerun for a mail problem). */
  readonly attempts: number;
  /** First retry delay; doubles per attempt. */
  readonly backoffSeconds: number;
  readonly smtp?: SmtpConfig;
}

export interface TenantConfig {
  readonly name: string;
  /** Directory (tenant) id, lower case. */
  readonly tenantId: string;
  /** Application (client) id of the scanning app registration, lower case. */
  readonly clientId: string;
  readonly credential: TenantCredentialConfig;
  readonly schedules: readonly ScheduleConfig[];
  readonly controls: readonly ControlId[];
  readonly settings: TenantSettings;
  /** Absent: reports are written but not mailed. */
  readonly mail?: TenantMailConfig;
}

export interface Config {
  readonly redis: RedisConfig;
  readonly reports: ReportsConfig;
  readonly log: LogConfig;
  readonly worker: WorkerConfig;
  readonly cloud: CloudConfig;
  readonly keyVault: KeyVaultConfig;
  readonly workerIdentity: WorkerIdentityConfig;
  readonly credentials: CredentialsConfig;
  readonly delivery: DeliveryConfig;
  readonly tenants: readonly TenantConfig[];
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_CLIENT_SECRET_ENV = 'CRW_WORKER_CLIENT_SECRET';

// Tenant and schedule names end up in file paths, Redis keys and job scheduler ids.
export const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const KEY_VAULT_ITEM_PATTERN = /^[0-9a-zA-Z-]{1,127}$/;
const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const REDIS_PREFIX_PATTERN = /^[A-Za-z0-9_.:-]+$/;

/** Shows a value in a message without leaking a password embedded in a URL. */
export function quoteValue(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.replace(/\/\/[^/@\s]*@/, '//***@'));
}

/** A strict object whose unknown-key message names each unknown field and the closest known one. */
function strict<T extends z.core.$ZodLooseShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    // One line per key; load-config.ts pairs line i with issue.keys[i] to build each field path.
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => unknownFieldProblem(key, known)).join('\n')
        : undefined,
  });
}

function unknownFieldProblem(key: string, known: readonly string[]): string {
  const close = closestMatch(key, known);
  return close === undefined
    ? `unknown field '${key}' (known fields: ${known.join(', ')})`
    : `unknown field '${key}' (did you mean '${close}'?)`;
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T, noun: string) {
  return z.enum(values, {
    error: (issue) => {
      if (typeof issue.input !== 'string') return undefined; // missing or wrong type: the generic message
      const close = closestMatch(issue.input, values);
      return close === undefined
        ? `unknown ${noun} ${quoteValue(issue.input)}; expected one of: ${values.join(', ')}`
        : `unknown ${noun} ${quoteValue(issue.input)} (did you mean "${close}"?)`;
    },
  });
}

function guid(what: string) {
  return z
    .string()
    .regex(GUID_PATTERN, {
      error: (issue) =>
        `${quoteValue(issue.input)} is not a GUID (expected 8-4-4-4-12 hex digits: the ${what})`,
    })
    .transform((value) => value.toLowerCase());
}

function name(what: string) {
  return z.string().regex(NAME_PATTERN, {
    error: (issue) =>
      `invalid ${what} ${quoteValue(issue.input)}: use 1-63 lower-case letters, digits and hyphens, ` +
      `starting with a letter or digit (it is used in file paths and Redis keys)`,
  });
}

/** An https URL, without trailing slash so that clients can append paths. */
function httpsUrl() {
  return z
    .string()
    .superRefine((value, ctx) => {
      const url = URL.canParse(value) ? new URL(value) : undefined;
      if (url === undefined) ctx.addIssue({ code: 'custom', message: `not a URL: ${quoteValue(value)}` });
      else if (url.protocol !== 'https:')
        ctx.addIssue({ code: 'custom', message: `must be an https:// URL, got ${quoteValue(value)}` });
    })
    .transform((value) => value.replace(/\/+$/, ''));
}

function graphUrl() {
  return httpsUrl().refine((value) => !/\/(v1\.0|beta)$/i.test(value), {
    error: 'leave out the API version (/v1.0 or /beta): the Graph client adds it',
  });
}

const redisUrl = z.string().superRefine((value, ctx) => {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url === undefined || (url.protocol !== 'redis:' && url.protocol !== 'rediss:'))
    ctx.addIssue({
      code: 'custom',
      message: `must be a redis:// or rediss:// URL (e.g. ${DEFAULT_REDIS_URL}), got ${quoteValue(value)}`,
    });
});

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const timeZone = z.string().refine(isTimeZone, {
  error: (issue) =>
    `unknown time zone ${quoteValue(issue.input)} (use an IANA name such as "Europe/Berlin", or "UTC")`,
});

// cron-parser silently accepts too few fields ("0 6 * *" or ""), so count them before asking it.
const cronExpression = z.string().superRefine((expression, ctx) => {
  const fields = expression.trim().split(/\s+/).filter(Boolean);
  const isAlias = fields.length === 1 && fields[0]?.startsWith('@') === true;
  if (!isAlias && fields.length !== 5 && fields.length !== 6) {
    ctx.addIssue({
      code: 'custom',
      message:
        `invalid cron expression ${quoteValue(expression)}: expected 5 fields (minute hour day-of-month ` +
        `month day-of-week, e.g. "0 6 * * 1") or 6 with seconds first, got ${fields.length}`,
    });
    return;
  }
  try {
    parseExpression(expression);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    ctx.addIssue({ code: 'custom', message: `invalid cron expression ${quoteValue(expression)}: ${reason}` });
  }
});

const positiveInt = z.int().min(1);
const nonNegativeInt = z.int().min(0);

/** Adds an issue on `field` of every array element whose value repeats an earlier element's. */
function rejectDuplicates(field: string, describe: (value: string, firstIndex: number) => string) {
  return (items: unknown, ctx: z.RefinementCtx<unknown>) => {
    if (!Array.isArray(items)) return;
    const seen = new Map<string, number>();
    items.forEach((item: unknown, index) => {
      const value =
        typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[field] : undefined;
      if (typeof value !== 'string') return;
      const first = seen.get(value);
      if (first === undefined) seen.set(value, index);
      else ctx.addIssue({ code: 'custom', path: [index, field], message: describe(value, first) });
    });
  };
}

// Cross-item checks run even when some items have other problems, so that every problem is reported at once.
const whenArray = { when: (payload: { value: unknown }) => Array.isArray(payload.value) };

const scheduleSchema = strict({
  name: name('schedule name'),
  cron: cronExpression,
  tz: timeZone,
});

const settingsSchema = strict({
  privilegedRoles: z
    .array(guid('role template id from "Microsoft Entra built-in roles"'))
    .min(1, { error: 'lists no roles; leave the field out to use the default 13 privileged roles' })
    .default(() => [...DEFAULT_PRIVILEGED_ROLES]),
  breakGlass: z
    .array(
      z.string().regex(/^[^@\s]+@[^@\s]+$/, {
        error: (issue) => `${quoteValue(issue.input)} is not a user principal name (expected name@domain)`,
      }),
    )
    .default(() => []),
  staleDays: positiveInt.default(90),
  globalAdminRange: z
    .tuple([nonNegativeInt, nonNegativeInt], {
      error: 'must be a list of two whole numbers [min, max], e.g. [2, 4]',
    })
    .refine(([min, max]) => min <= max, {
      error: (issue) => {
        const [min, max] = issue.input as [number, number];
        return `minimum ${min} is greater than maximum ${max}; write [min, max]`;
      },
    })
    .default((): [number, number] => [2, 4]),
});

/** A plain addr-spec (local@domain.tld), the form every mail transport accepts; no display names. */
const EMAIL_ADDRESS =
  /^[^\s@<>()",;:\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

const mailSchema = strict({
  via: oneOf(['graph', 'smtp'], 'mail transport'),
  from: z.string(),
  to: z.array(z.string()).min(1, { error: 'lists no recipients; add at least one address' }),
  cc: z.array(z.string()).default(() => []),
  attachResults: z.boolean().default(false),
});

const tenantSchema = strict({
  name: name('tenant name'),
  tenantId: guid("Directory (tenant) ID from the tenant's Entra ID overview"),
  clientId: guid('Application (client) ID of the scanning app registration'),
  credential: strict({
    type: oneOf(['certificate', 'secret'], 'credential type'),
    name: z.string().regex(KEY_VAULT_ITEM_PATTERN, {
      error: (issue) =>
        `invalid Key Vault item name ${quoteValue(issue.input)}: use 1-127 letters, digits and hyphens`,
    }),
  }),
  schedules: z
    .array(scheduleSchema)
    .superRefine(
      rejectDuplicates(
        'name',
        (value, first) =>
          `duplicate schedule name "${value}" (also schedules[${first}]); names must be unique`,
      ),
      whenArray,
    )
    .default(() => []),
  controls: z
    .array(oneOf(CONTROL_IDS, 'control id'))
    .min(1, { error: 'lists no controls; leave the field out to run all controls' })
    .transform((ids) => [...new Set(ids)])
    .default(() => [...CONTROL_IDS]),
  settings: settingsSchema.prefault({}),
  mail: mailSchema.optional(),
}).superRefine((tenant, ctx) => {
  // Here, not in mailSchema, so that the message can name the tenant (the path only gives its position).
  if (tenant.mail === undefined) return;
  const fields: Array<[string, readonly string[]]> = [
    ['from', [tenant.mail.from]],
    ['to', tenant.mail.to],
    ['cc', tenant.mail.cc],
  ];
  for (const [field, addresses] of fields) {
    addresses.forEach((address, index) => {
      if (EMAIL_ADDRESS.test(address)) return;
      ctx.addIssue({
        code: 'custom',
        path: field === 'from' ? ['mail', 'from'] : ['mail', field, index],
        message: `tenant "${tenant.name}": ${quoteValue(address)} is not an e-mail address (write name@domain, without a display name)`,
      });
    });
  }
});

const smtpSchema = strict({
  host: z.string().min(1, { error: 'must not be empty (the SMTP server, e.g. smtp.office365.com)' }),
  port: positiveInt.max(65535).default(587),
  security: oneOf(['starttls', 'tls', 'none'], 'SMTP security').default('starttls'),
  username: z.string().min(1).optional(),
  passwordSecret: z
    .string()
    .regex(KEY_VAULT_ITEM_PATTERN, {
      error: (issue) =>
        `invalid Key Vault secret name ${quoteValue(issue.input)}: use 1-127 letters, digits and hyphens`,
    })
    .optional(),
  caFile: z.string().min(1).optional(),
}).refine((smtp) => (smtp.username === undefined) === (smtp.passwordSecret === undefined), {
  error: 'set both username and passwordSecret (the Key Vault secret with the password), or neither',
});

const deliverySchema = strict({
  attempts: positiveInt.default(5),
  backoffSeconds: nonNegativeInt.default(60),
  smtp: smtpSchema.optional(),
});

const cloudSchema = strict({
  name: oneOf(CLOUD_NAMES, 'cloud').default('public'),
  authorityHost: httpsUrl().optional(),
  graphUrl: graphUrl().optional(),
  graphResource: httpsUrl().optional(),
  exchangeUrl: httpsUrl().optional(),
  exchangeResource: httpsUrl().optional(),
  keyVaultChallengeResourceCheck: z.boolean().default(true),
  caFile: z.string().min(1).optional(),
})
  .superRefine(
    (cloud: unknown, ctx) => {
      const fields = cloud as Record<string, unknown>;
      if (fields.name !== 'custom') return;
      for (const field of ['authorityHost', 'graphUrl', 'exchangeUrl'] as const) {
        if (fields[field] === undefined)
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: 'required when cloud.name is "custom" (there is no preset to take it from)',
          });
      }
    },
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  )
  .transform((cloud): CloudConfig => {
    const preset = cloud.name === 'custom' ? undefined : CLOUD_PRESETS[cloud.name];
    const pick = (field: keyof CloudEndpoints): string => {
      const value = cloud[field] ?? preset?.[field];
      if (value === undefined) throw new Error(`cloud.${field} unset after validation`); // refine above
      return value;
    };
    const graph = pick('graphUrl');
    const exchange = pick('exchangeUrl');
    return {
      name: cloud.name,
      authorityHost: pick('authorityHost'),
      graphUrl: graph,
      // An overridden graphUrl (emulator, proxy) is also the audience unless said otherwise.
      graphResource:
        cloud.graphResource ?? (cloud.graphUrl === undefined ? pick('graphResource') : origin(graph)),
      exchangeUrl: exchange,
      exchangeResource:
        cloud.exchangeResource ??
        (cloud.exchangeUrl === undefined ? pick('exchangeResource') : origin(exchange)),
      keyVaultChallengeResourceCheck: cloud.keyVaultChallengeResourceCheck,
      ...(cloud.caFile === undefined ? {} : { caFile: cloud.caFile }),
    };
  });

function origin(url: string): string {
  return new URL(url).origin;
}

const workerIdentitySchema = z.discriminatedUnion('type', [
  strict({
    type: z.literal('managedIdentity'),
    clientId: guid('client ID of the user-assigned identity').optional(),
  }),
  strict({
    type: z.literal('clientSecret'),
    tenantId: guid("Directory (tenant) ID that holds the worker's app registration"),
    clientId: guid("Application (client) ID of the worker's app registration"),
    clientSecretEnv: z
      .string()
      .regex(ENV_NAME_PATTERN, {
        error: 'must be the NAME of an environment variable (letters, digits, _), never the secret itself',
      })
      .default(DEFAULT_CLIENT_SECRET_ENV),
  }),
  strict({
    type: z.literal('default'),
    tenantId: guid('Directory (tenant) ID').optional(),
    clientId: guid('client ID of the user-assigned managed identity').optional(),
  }),
  strict({
    type: z.literal('workloadIdentity'),
    tenantId: guid('Directory (tenant) ID; default: env AZURE_TENANT_ID').optional(),
    clientId: guid('client ID of the federated identity; default: env AZURE_CLIENT_ID').optional(),
  }),
  strict({ type: z.literal('environment') }),
  strict({
    type: z.literal('azureCli'),
    tenantId: guid('Directory (tenant) ID to request tokens from').optional(),
  }),
]);

const credentialsSchema = strict({
  cacheTtlHours: z.number().positive({ error: 'must be more than 0 (hours)' }).default(8),
  expiryWarningDays: nonNegativeInt.default(30),
  keyVaultRetries: nonNegativeInt.max(10).default(5),
  keyVaultRetryDelaySeconds: z.number().min(0).max(60).default(1),
});

export const configSchema = strict({
  redis: strict({
    url: redisUrl.default(DEFAULT_REDIS_URL),
    prefix: z
      .string()
      .regex(REDIS_PREFIX_PATTERN, { error: 'use letters, digits and _ . : - only (BullMQ key prefix)' })
      .default('crw'),
  }).prefault({}),
  reports: strict({
    dir: z.string().min(1, { error: 'must not be empty' }).default('./reports'),
    // 52 = a year of weekly runs. Counted in runs, not time: every schedule and ad-hoc run of the tenant counts.
    keepRuns: z
      .int()
      .min(1, {
        error: (issue) =>
          `must be at least 1 (complete runs kept per tenant, e.g. 52 for a year of weekly runs), got ${String(issue.input)}`,
      })
      .default(52),
  }).prefault({}),
  log: strict({ level: oneOf(LOG_LEVELS, 'log level').default('info') }).prefault({}),
  worker: strict({
    concurrency: positiveInt.default(2),
    attempts: positiveInt.default(3),
    backoffSeconds: nonNegativeInt.default(30),
    shutdownGraceSeconds: nonNegativeInt.default(60),
    jobLockSeconds: positiveInt.default(30),
    checkpointTtlHours: positiveInt.default(24),
    httpPort: nonNegativeInt.max(65535).default(9464),
    httpHost: z
      .string()
      .min(1, { error: 'must not be empty (e.g. 0.0.0.0 or 127.0.0.1)' })
      .default('0.0.0.0'),
  }).prefault({}),
  cloud: cloudSchema.prefault({}),
  keyVault: strict({ url: httpsUrl() }),
  workerIdentity: workerIdentitySchema.prefault({ type: 'managedIdentity' }),
  credentials: credentialsSchema.prefault({}),
  delivery: deliverySchema.prefault({}),
  tenants: z
    .array(tenantSchema)
    .min(1, { error: 'lists no tenants; add at least one (see crw.example.yaml)' })
    .superRefine(
      rejectDuplicates(
        'name',
        (value, first) => `duplicate tenant name "${value}" (also tenants[${first}]); names must be unique`,
      ),
      whenArray,
    ),
}).superRefine((config, ctx) => {
  config.tenants.forEach((tenant, index) => {
    if (tenant.mail?.via === 'smtp' && config.delivery.smtp === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['tenants', index, 'mail', 'via'],
        message: `tenant "${tenant.name}" mails through SMTP, but delivery.smtp is not configured (add host, port, …)`,
      });
  });
});

// Compile-time proof that the schema produces exactly what the Config type promises.
export type ParsedConfig = z.output<typeof configSchema>;
const _schemaMatchesConfig: (parsed: ParsedConfig) => Config = (parsed) => parsed;
void _schemaMatchesConfig;
