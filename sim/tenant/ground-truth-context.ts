// What every ground-truth computation reads: the tenant's plan resolved to users, and the resolved settings.
import type { SimDirectory } from './directory';
import type { PlannedUserDescription } from './population';

export interface GroundTruthContext {
  /** The tenant's configured name: the assetName of tenant-level findings. */
  tenantName: string;
  licences: { p1: boolean; p2: boolean };
  directory: SimDirectory;
  /** The plan's users; `privileged` follows the settings' privileged roles. */
  users: PlannedUserDescription[];
  /** Privileged role template ids, lower case. */
  privilegedRoles: string[];
  /** Case-insensitive membership of the settings' break-glass UPNs. */
  isBreakGlass(userPrincipalName: string): boolean;
  staleDays: number;
  /** The reference time ("now" of every rule). */
  nowMs: number;
  globalAdminRange: [number, number];
}

/** Findings' assetNames sorted as results.json sorts them (plain code-unit order). */
export function sortedNames(names: string[]): string[] {
  return [...names].sort();
}

export function statusOf(findingAssetNames: string[]): 'pass' | 'fail' {
  return findingAssetNames.length > 0 ? 'fail' : 'pass';
}
