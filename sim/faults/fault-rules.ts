// Fault rules: what goes wrong, where, and when. Parsed from JSON (control API, --faults FILE) and from the CLI's
// --fault KIND[@TARGET]=RATE|once|after:N; every problem is reported with the field it concerns.

export const FAULT_KINDS = [
  /** 500 in the target's error shape. */
  'http-500',
  /** 503 in the target's error shape; with Retry-After only when retryAfterSeconds is set. */
  'http-503',
  /** The socket is destroyed without any response. */
  'drop-connection',
  /**
   * The service processes the request (a sendMail is stored and sent) and then the socket is destroyed without
   * its answer: the client cannot tell whether the request took effect.
   */
  'drop-after-processing',
  /** The response is delayed by latencyMs (default 1000). */
  'slow',
  /** Every access token issued so far stops working; the request then goes on (and fails 401). */
  'revoke-tokens',
  /** CAE: Graph tokens issued before now get 401 insufficient_claims until a token is requested with claims. */
  'claims-challenge',
  /** A page that was reached through @odata.nextLink names itself as the next link again. */
  'nextlink-loop',
  /**
   * Data off the documented shape: in each item of a successful answer (the `value` array of a collection page,
   * else the entity itself; $batch items by their own path) `field` is dropped, set to null or set to `value`.
   * Only members the item has are changed, so a corrupted resource still names only properties Graph declares.
   */
  'corrupt-field',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const FAULT_TARGETS = ['graph', 'exchange', 'keyvault', 'token', 'managed-identity'] as const;
/** graph: /v1.0, /beta; exchange: /adminapi; keyvault: /secrets; token: POST …/oauth2/v2.0/token. */
export type FaultTarget = (typeof FAULT_TARGETS)[number];

export interface FaultRule {
  fault: FaultKind;
  /** Default 'graph'. */
  target?: FaultTarget;
  /** Regular expression (case-insensitive) the request path must match. */
  path?: string;
  /** HTTP method the request must use (any case), e.g. "POST"; default any. */
  method?: string;
  /** Chance of firing on each eligible request, 0..1 (seeded, repeatable); default 1. */
  rate?: number;
  /** The first `after` matching requests are left alone ("after N requests"). */
  after?: number;
  /** Fires at most this many times. */
  times?: number;
  /** Same as times: 1. */
  once?: boolean;
  /** Stops firing this long after it first fired (an outage "for a period"). */
  durationMs?: number;
  /** http-500 / http-503: Retry-After header in seconds (may be fractional); absent = no header. */
  retryAfterSeconds?: number;
  /** slow: extra delay; default 1000. */
  latencyMs?: number;
  /** Exchange only: the cmdlet the request invokes (CmdletInput.CmdletName, any case), e.g. "Get-Mailbox". */
  cmdlet?: string;
  /** corrupt-field: the member to corrupt, a dotted path ("state", "conditions.clientAppTypes", "principal.@odata.type"). */
  field?: string;
  /** corrupt-field: drop the member, set it to null, or set it to `value`. */
  corruption?: FieldCorruption;
  /** corrupt-field with "set": the JSON value to put there, e.g. an enum value Graph does not document. */
  value?: unknown;
  /** corrupt-field: only items whose members (dotted paths) equal these values, e.g. {"userPrincipalName": "…"}. */
  where?: Record<string, string | number | boolean | null>;
}

export const FIELD_CORRUPTIONS = ['drop', 'null', 'set'] as const;
export type FieldCorruption = (typeof FIELD_CORRUPTIONS)[number];

export interface FaultsDocument {
  /** Seed of the random numbers behind `rate`; default 1. */
  seed?: number;
  rules: FaultRule[];
}

/** Faults that change the response itself; the others act on the side or only delay. */
export const TERMINAL_FAULTS: ReadonlySet<FaultKind> = new Set([
  'http-500',
  'http-503',
  'drop-connection',
  'drop-after-processing',
]);

/** Faults only meaningful for some targets. */
const ALLOWED_TARGETS: Partial<Record<FaultKind, readonly FaultTarget[]>> = {
  'claims-challenge': ['graph'],
  'nextlink-loop': ['graph', 'exchange'],
  'corrupt-field': ['graph', 'exchange'],
};

export class FaultRuleError extends Error {
  override name = 'FaultRuleError';
}

/** A FaultRule from JSON, checked field by field; `where` names the rule in error messages. */
export function parseFaultRule(value: unknown, where = 'fault'): FaultRule {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FaultRuleError(`${where}: expected an object such as {"fault":"http-503","rate":0.1}`);
  }
  const input = value as Record<string, unknown>;
  const known = new Set([
    'fault',
    'target',
    'path',
    'method',
    'rate',
    'after',
    'times',
    'once',
    'durationMs',
    'retryAfterSeconds',
    'latencyMs',
    'cmdlet',
    'field',
    'corruption',
    'value',
    'where',
  ]);
  const unknown = Object.keys(input).filter((key) => !known.has(key));
  if (unknown.length > 0) throw new FaultRuleError(`${where}: unknown field(s) ${unknown.join(', ')}`);

  const fault = oneOf(input['fault'], FAULT_KINDS, `${where}.fault`);
  const rule: FaultRule = { fault };
  if (input['target'] !== undefined) rule.target = oneOf(input['target'], FAULT_TARGETS, `${where}.target`);
  const allowed = ALLOWED_TARGETS[fault];
  if (allowed && !allowed.includes(rule.target ?? 'graph')) {
    throw new FaultRuleError(`${where}.target: ${fault} applies to ${allowed.join(' or ')} only`);
  }
  if (input['path'] !== undefined) {
    if (typeof input['path'] !== 'string') throw new FaultRuleError(`${where}.path: expected a string`);
    try {
      new RegExp(input['path'], 'i');
    } catch {
      throw new FaultRuleError(`${where}.path: not a valid regular expression`);
    }
    rule.path = input['path'];
  }
  if (input['method'] !== undefined) {
    if (typeof input['method'] !== 'string' || !/^[A-Za-z]+$/.test(input['method']))
      throw new FaultRuleError(`${where}.method: expected an HTTP method such as "POST"`);
    rule.method = input['method'];
  }
  if (input['rate'] !== undefined) rule.rate = numberIn(input['rate'], 0, 1, `${where}.rate`);
  if (input['after'] !== undefined) rule.after = wholeNumber(input['after'], 0, `${where}.after`);
  if (input['times'] !== undefined) rule.times = wholeNumber(input['times'], 1, `${where}.times`);
  if (input['once'] !== undefined) {
    if (typeof input['once'] !== 'boolean') throw new FaultRuleError(`${where}.once: expected true or false`);
    rule.once = input['once'];
  }
  if (input['durationMs'] !== undefined)
    rule.durationMs = wholeNumber(input['durationMs'], 1, `${where}.durationMs`);
  if (input['retryAfterSeconds'] !== undefined) {
    rule.retryAfterSeconds = numberIn(input['retryAfterSeconds'], 0, 86_400, `${where}.retryAfterSeconds`);
  }
  if (input['latencyMs'] !== undefined)
    rule.latencyMs = wholeNumber(input['latencyMs'], 0, `${where}.latencyMs`);
  if (input['cmdlet'] !== undefined) {
    if (typeof input['cmdlet'] !== 'string' || input['cmdlet'] === '')
      throw new FaultRuleError(`${where}.cmdlet: expected a cmdlet name such as "Get-Mailbox"`);
    if (rule.target !== 'exchange')
      throw new FaultRuleError(`${where}.cmdlet: applies to target exchange only`);
    rule.cmdlet = input['cmdlet'];
  }
  Object.assign(rule, fieldCorruption(input, fault, where));
  return rule;
}

/** The corrupt-field members of a rule: required for that kind, refused for the others. */
function fieldCorruption(
  input: Record<string, unknown>,
  fault: FaultKind,
  where: string,
): Pick<FaultRule, 'field' | 'corruption' | 'value' | 'where'> {
  const given = (['field', 'corruption', 'value', 'where'] as const).filter(
    (key) => input[key] !== undefined,
  );
  if (fault !== 'corrupt-field') {
    if (given.length > 0)
      throw new FaultRuleError(`${where}: ${given.join(', ')} apply to corrupt-field only`);
    return {};
  }
  const field = input['field'];
  if (typeof field !== 'string' || field === '' || field.split('.').includes(''))
    throw new FaultRuleError(`${where}.field: expected a member path such as "state" or "conditions.users"`);
  const corruption = oneOf(input['corruption'], FIELD_CORRUPTIONS, `${where}.corruption`);
  if ((corruption === 'set') !== (input['value'] !== undefined))
    throw new FaultRuleError(`${where}.value: required with corruption "set" (and only then)`);
  const result: Pick<FaultRule, 'field' | 'corruption' | 'value' | 'where'> = { field, corruption };
  if (corruption === 'set') result.value = input['value'];
  const filter = input['where'];
  if (filter !== undefined) {
    const scalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
    if (
      typeof filter !== 'object' ||
      filter === null ||
      Array.isArray(filter) ||
      !Object.values(filter).every(scalar)
    )
      throw new FaultRuleError(`${where}.where: expected an object of member paths to plain values`);
    result.where = filter as Record<string, string | number | boolean | null>;
  }
  return result;
}

/** A --faults file: an array of rules, or {"seed": n, "rules": [...]}. */
export function parseFaultsDocument(value: unknown, where = 'faults'): FaultsDocument {
  if (Array.isArray(value)) return { rules: value.map((rule, i) => parseFaultRule(rule, `${where}[${i}]`)) };
  if (typeof value !== 'object' || value === null) {
    throw new FaultRuleError(`${where}: expected an array of rules or {"seed": n, "rules": [...]}`);
  }
  const { seed, rules, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) {
    throw new FaultRuleError(`${where}: unknown field(s) ${Object.keys(rest).join(', ')}`);
  }
  if (!Array.isArray(rules)) throw new FaultRuleError(`${where}.rules: expected an array`);
  return {
    ...(seed !== undefined && { seed: wholeNumber(seed, 0, `${where}.seed`) }),
    rules: rules.map((rule, i) => parseFaultRule(rule, `${where}.rules[${i}]`)),
  };
}

/** The CLI form KIND[@TARGET]=RATE|once|after:N, e.g. "http-503=0.05", "http-503@keyvault=once". */
export function parseFaultFlag(flag: string): FaultRule {
  const match = /^([a-z0-9-]+)(?:@([a-z-]+))?=(.+)$/.exec(flag);
  if (!match) throw new FaultRuleError(`--fault ${flag}: expected KIND[@TARGET]=RATE|once|after:N`);
  const [, fault, target, when = ''] = match;
  if (fault === 'corrupt-field')
    throw new FaultRuleError(
      `--fault ${flag}: corrupt-field needs a field: give it with --faults FILE or the control API`,
    );
  const rule: Record<string, unknown> = { fault, ...(target !== undefined && { target }) };
  const after = /^after:(\d+)$/.exec(when);
  if (when === 'once') rule['once'] = true;
  else if (after) rule['after'] = Number(after[1]);
  else if (/^\d*\.?\d+$/.test(when)) rule['rate'] = Number(when);
  else throw new FaultRuleError(`--fault ${flag}: "${when}" is not a rate (0..1), "once" or "after:N"`);
  return parseFaultRule(rule, `--fault ${flag}`);
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], where: string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new FaultRuleError(`${where}: expected one of ${allowed.join(', ')}`);
}

function numberIn(value: unknown, min: number, max: number, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new FaultRuleError(`${where}: expected a number from ${min} to ${max}`);
  }
  return value;
}

function wholeNumber(value: unknown, min: number, where: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new FaultRuleError(`${where}: expected a whole number >= ${min}`);
  }
  return value;
}
