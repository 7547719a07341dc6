// Seeded hashing for the tenant generator: stable GUIDs and a fast stateless PRNG, so that any object of a
// tenant can be produced on its own from (seed, name, index) without generating the others.
import { createHash } from 'node:crypto';

/** The instant the generated directory is "as of": all generated dates are relative to it, never to the clock. */
export const REFERENCE_TIME_MS = Date.UTC(2026, 0, 1);

/** Formats 16 bytes as a GUID that looks like a random (version 4, RFC 4122 variant) one. */
function guidFromBytes(bytes: Buffer): string {
  const b = Buffer.from(bytes.subarray(0, 16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A GUID derived from sha256 of the parts: for the few tenant-level objects (tenant, apps, groups, schedules). */
export function stableGuid(...parts: Array<string | number>): string {
  return guidFromBytes(createHash('sha256').update(parts.join(':')).digest());
}

const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function hex32(value: number): string {
  const byte = (shift: number): string => HEX_BYTES[(value >>> shift) & 0xff] ?? '00';
  return byte(24) + byte(16) + byte(8) + byte(0);
}

/** A GUID from 32-bit hashes of integers: cheap enough for per-user values (sign-in request ids) of 1M users. */
export function hashedGuid(...values: number[]): string {
  const base = hashIntegers(...values);
  let hex = '';
  for (let word = 1; word <= 4; word++) hex += hex32(finalize32(mix32(base, word)));
  // Version 4, RFC 4122 variant, like guidFromBytes.
  const variant = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20)}`;
}

// MurmurHash3 (x86, 32-bit) mixing steps: fast, good avalanche, no state.
function mix32(hash: number, value: number): number {
  let k = Math.imul(value | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let h = hash ^ k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finalize32(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** An unsigned 32-bit hash of integers (each mixed as two 32-bit words, so seeds above 2^32 still differ). */
export function hashIntegers(...values: number[]): number {
  let h = 0x9747b28c;
  for (const value of values) {
    const whole = Math.trunc(value);
    h = mix32(h, whole);
    h = mix32(h, Math.floor(whole / 0x100000000));
  }
  return finalize32(h ^ values.length);
}

/** An unsigned 32-bit hash of a string (FNV-1a), to fold names into integer keys. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A deterministic random source: mulberry32 seeded from the hash of `keys`. */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, bound). */
  below(bound: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
}

export function seededRandom(...keys: number[]): SeededRandom {
  let state = hashIntegers(...keys);
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x100000000;
  };
  const below = (bound: number): number => Math.floor(next() * bound);
  const pick = <T>(items: readonly T[]): T => {
    const item = items[below(items.length)];
    if (item === undefined) throw new Error('seededRandom.pick: empty list');
    return item;
  };
  return { next, below, pick };
}

// An invertible 32-bit mix (xor, odd multiplications, xorshift-16 which is its own inverse): indices map to
// random-looking values and back.
const PERMUTE_A = 0x85ebca6b;
const PERMUTE_B = 0xc2b2ae35;

function inverseOdd(multiplier: number): number {
  // Newton's iteration for the inverse modulo 2^32 of an odd number: each step doubles the correct bits.
  let inverse = multiplier;
  for (let i = 0; i < 5; i++) inverse = Math.imul(inverse, 2 - Math.imul(multiplier, inverse));
  return inverse;
}
const INVERSE_A = inverseOdd(PERMUTE_A);
const INVERSE_B = inverseOdd(PERMUTE_B);

function permute32(value: number, key: number): number {
  let x = (value ^ key) >>> 0;
  x = Math.imul(x, PERMUTE_A);
  x ^= x >>> 16;
  x = Math.imul(x, PERMUTE_B);
  x ^= x >>> 16;
  return x >>> 0;
}

function unpermute32(value: number, key: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, INVERSE_B);
  x ^= x >>> 16;
  x = Math.imul(x, INVERSE_A);
  return (x ^ key) >>> 0;
}

/**
 * Object ids of generated users. The last 8 hex digits are an invertible keyed permutation of the user index, so
 * an id maps back to its index in O(1) (GET /users/{id} on a million-user tenant) while ids still look random.
 */
export class UserIdCodec {
  private readonly seed: number;
  private readonly tenantKey: number;
  private readonly permutationKey: number;

  constructor(seed: number, name: string) {
    this.seed = seed;
    this.tenantKey = hashString(name);
    this.permutationKey = hashIntegers(seed, this.tenantKey, 0x1d);
  }

  idOf(index: number): string {
    const bytes = Buffer.alloc(16);
    bytes.writeUInt32BE(hashIntegers(this.seed, this.tenantKey, index, 1), 0);
    bytes.writeUInt32BE(hashIntegers(this.seed, this.tenantKey, index, 2), 4);
    bytes.writeUInt32BE(hashIntegers(this.seed, this.tenantKey, index, 3), 8);
    bytes.writeUInt32BE(permute32(index, this.permutationKey), 12);
    return guidFromBytes(bytes);
  }

  /** The index whose id is `id`, or undefined when `id` is not the id of a generated user below `userCount`. */
  indexOf(id: string, userCount: number): number | undefined {
    const normalized = id.toLowerCase();
    const match = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}([0-9a-f]{8})$/.exec(
      normalized,
    );
    if (!match?.[1]) return undefined;
    const index = unpermute32(Number.parseInt(match[1], 16), this.permutationKey);
    if (index >= userCount) return undefined;
    return this.idOf(index) === normalized ? index : undefined;
  }
}

/** Bytes of a GUID in .NET order (first three fields little-endian), as Entra encodes ids in role assignment ids. */
function dotNetGuidBytes(guid: string): Buffer {
  const hex = guid.replace(/-/g, '');
  const bytes = Buffer.from(hex, 'hex');
  return Buffer.concat([
    Buffer.from(bytes.subarray(0, 4)).reverse(),
    Buffer.from(bytes.subarray(4, 6)).reverse(),
    Buffer.from(bytes.subarray(6, 8)).reverse(),
    bytes.subarray(8, 16),
  ]);
}

/**
 * A role assignment id the way Entra forms them for directory-scoped built-in roles:
 * base64url(role definition id) + base64url(principal id) + "-1", e.g. "lAPpYvVpN0KRkAEhdxReEJC2…-1".
 */
export function roleAssignmentId(roleDefinitionId: string, principalId: string): string {
  const encode = (guid: string): string => dotNetGuidBytes(guid).toString('base64url');
  return `${encode(roleDefinitionId)}${encode(principalId)}-1`;
}

/** The identifiers of a generated tenant: functions of (name, seed) only. */
export interface TenantIdentifiers {
  tenantId: string;
  /** Client id (appId) of the tenant's scanning app registration. */
  clientId: string;
  /** Primary domain: "<name>.onmicrosoft.com", lower case. */
  domain: string;
}

export function tenantIdentifiers(name: string, seed: number): TenantIdentifiers {
  return {
    tenantId: stableGuid(seed, name, 'tenant'),
    clientId: stableGuid(seed, name, 'scanning-app'),
    domain: `${name.toLowerCase().replace(/[^a-z0-9-]/g, '')}.onmicrosoft.com`,
  };
}
