// In-memory secrets of the simulated vault: versions per name (latest = last written) and read counts per name.
import { randomBytes } from 'node:crypto';

export interface SecretVersion {
  readonly name: string;
  /** 32 lower-case hex characters, as Key Vault's versions. */
  readonly version: string;
  readonly value: string;
  readonly contentType?: string;
  readonly tags?: Record<string, string>;
  readonly enabled: boolean;
  /** Epoch seconds. */
  readonly notBefore?: number;
  /** Epoch seconds. */
  readonly expires?: number;
  readonly created: number;
  readonly updated: number;
  /** Certificate-backed secret: the value is a base64 PKCS#12 and the bundle carries `kid` and `managed: true`. */
  readonly managed: boolean;
}

export interface NewSecretVersion {
  value: string;
  contentType?: string;
  tags?: Record<string, string>;
  enabled?: boolean;
  notBefore?: number;
  expires?: number;
  managed?: boolean;
}

/** Key Vault object names: 1-127 characters of letters, digits and dashes. */
export function isValidSecretName(name: string): boolean {
  return /^[0-9a-zA-Z-]{1,127}$/.test(name);
}

export class SecretStore {
  private readonly versionsByName = new Map<string, SecretVersion[]>();
  private readonly reads = new Map<string, number>();

  /** Writes a new version and makes it the latest. */
  set(name: string, input: NewSecretVersion, nowMs = Date.now()): SecretVersion {
    if (!isValidSecretName(name))
      throw new Error(`Invalid Key Vault secret name '${name}' (allowed: 0-9 a-z A-Z -)`);
    const now = Math.floor(nowMs / 1000);
    const version: SecretVersion = {
      name,
      version: randomBytes(16).toString('hex'),
      value: input.value,
      enabled: input.enabled ?? true,
      created: now,
      updated: now,
      managed: input.managed ?? false,
      ...(input.contentType !== undefined && { contentType: input.contentType }),
      ...(input.tags !== undefined && { tags: { ...input.tags } }),
      ...(input.notBefore !== undefined && { notBefore: input.notBefore }),
      ...(input.expires !== undefined && { expires: input.expires }),
    };
    const versions = this.versionsByName.get(name) ?? [];
    versions.push(version);
    this.versionsByName.set(name, versions);
    return version;
  }

  latest(name: string): SecretVersion | undefined {
    return this.versionsByName.get(name)?.at(-1);
  }

  version(name: string, version: string): SecretVersion | undefined {
    return this.versionsByName.get(name)?.find((v) => v.version === version.toLowerCase());
  }

  /** Every version of `name`, oldest first. */
  versions(name: string): SecretVersion[] {
    return [...(this.versionsByName.get(name) ?? [])];
  }

  /** Secret names, sorted. */
  names(): string[] {
    return [...this.versionsByName.keys()].sort();
  }

  /**
   * Enables or disables the latest version of `name` (a disabled secret answers 403 Forbidden/SecretDisabled);
   * false when there is no such secret.
   */
  setEnabled(name: string, enabled: boolean, nowMs = Date.now()): boolean {
    const versions = this.versionsByName.get(name);
    const latest = versions?.at(-1);
    if (!versions || !latest) return false;
    versions[versions.length - 1] = { ...latest, enabled, updated: Math.floor(nowMs / 1000) };
    return true;
  }

  recordRead(name: string): void {
    this.reads.set(name, (this.reads.get(name) ?? 0) + 1);
  }

  readCounts(): Record<string, number> {
    return Object.fromEntries(this.reads);
  }

  resetReadCounts(): void {
    this.reads.clear();
  }
}
