// What tests, the demo and benchmarks can change or read in a running sim: the same controls in process (SimHandle)
// and over HTTP (the control API under /_sim/).
import type { FaultRule, FaultsDocument } from '../faults/fault-rules';
import type { FaultRuleStatus } from '../faults/fault-engine';
import type { TrafficSnapshot } from '../throttle/traffic-stats';

export interface SimStats {
  /** Token endpoint requests by client_id (managed identity requests are counted apart). */
  tokenRequests: Record<string, number>;
  /** GETs of one secret (latest or a version) by item name. */
  keyVaultReads: Record<string, number>;
  /** Graph requests by path without query ($batch items included, under their own paths). */
  graphRequests: Record<string, number>;
  managedIdentityRequests: number;
  /** Graph requests and 429s per throttling family and per route template. */
  graphTraffic: TrafficSnapshot;
  /** Times each kind of fault fired. */
  faultsFired: Record<string, number>;
}

export interface RotatedCredential {
  itemName: string;
  /** The new Key Vault version. */
  version: string;
}

/** Where the mail sent through the sim is recorded: sim/mail's MailStore fits (list, clear). */
export interface SimMailbox {
  /** Every message sent so far, oldest first. */
  list(): readonly unknown[];
  clear?(): void;
}

/** Base URL of the control API, e.g. "https://127.0.0.1:PORT/_sim". */
export interface SimControlInfo {
  controlUrl: string;
}

export const CONTROL_API_PREFIX = '/_sim';

/** A control named something the sim does not have (tenant, Key Vault item): 404 over HTTP. */
export class SimControlNotFoundError extends Error {
  override name = 'SimControlNotFoundError';
}

export interface SimControls {
  stats(): SimStats;
  /** Every counter back to zero (fault rules keep their own trigger counts). */
  resetStats(): void;
  throttlingEnabled(): boolean;
  /** Turning throttling on (or off) starts every bucket full. */
  setThrottling(enabled: boolean): void;
  /** The fault rules with how often each matched and fired. */
  faults(): FaultRuleStatus[];
  /** Replaces every fault rule (and the seed of their random numbers when given). */
  setFaults(faults: FaultRule[] | FaultsDocument): void;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  tokenLifetime(): number;
  /** Lifetime of tokens issued from now on. */
  setTokenLifetime(seconds: number): void;
  /**
   * Every access token issued so far stops working (401 InvalidAuthenticationToken on Graph); with
   * afterGraphRequests, that happens just before the Graph request that follows the next N.
   */
  revokeTokens(options?: { afterGraphRequests?: number }): Promise<void>;
  /**
   * New secret or certificate for the tenant's scanning app, registered with the token endpoint and stored as a
   * new Key Vault version; unless keepOld, the token endpoint refuses the previous credential from now on.
   */
  rotateTenantCredential(name: string, options?: { keepOld?: boolean }): Promise<RotatedCredential>;
  /** A disabled Key Vault item answers 403 Forbidden (innererror SecretDisabled). */
  setKeyVaultItemEnabled(name: string, enabled: boolean): void;
  registerMailbox(mailbox: SimMailbox): void;
  /** What the registered mailbox recorded; [] when none is registered. */
  mail(): readonly unknown[];
  /** Forgets the recorded mail (when the registered mailbox can). */
  clearMail(): void;
}
