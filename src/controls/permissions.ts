// Least privilege, as pure functions: which application permissions the selected controls need, which of them
// an access token's `roles` claim grants (Graph also accepts broader permissions), and which granted ones are
// beyond what the controls need. No I/O: the caller decodes the token (secrets/token-permissions.ts).
import { CATALOGUE } from './catalogue';

/** The Office 365 Exchange Online app role InvokeCommand needs on the Exchange token. */
export const EXCHANGE_MANAGE_AS_APP = 'Exchange.ManageAsApp';

/**
 * For each least-privileged permission a control lists, the broader application permissions Graph accepts for
 * the same reads (Microsoft's "higher privileged permissions" columns of the endpoints in the wire facts).
 * RoleManagement.Read.Directory also reads PIM schedules, so it satisfies the two *Schedule.Read.Directory needs.
 * Policy.Read.All has no broader equivalent: Policy.ReadWrite.ConditionalAccess reads the policies but not the
 * security defaults, and the controls read both.
 */
export const SATISFIED_BY: Readonly<Record<string, readonly string[]>> = {
  'User.Read.All': ['User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'GroupMember.Read.All': [
    'Group.Read.All',
    'GroupMember.ReadWrite.All',
    'Group.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  'RoleManagement.Read.Directory': [
    'RoleManagement.Read.All',
    'RoleManagement.ReadWrite.Directory',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  'RoleEligibilitySchedule.Read.Directory': [
    'RoleEligibilitySchedule.ReadWrite.Directory',
    'RoleManagement.Read.Directory',
    'RoleManagement.Read.All',
    'RoleManagement.ReadWrite.Directory',
  ],
  'RoleAssignmentSchedule.Read.Directory': [
    'RoleAssignmentSchedule.ReadWrite.Directory',
    'RoleManagement.Read.Directory',
    'RoleManagement.Read.All',
    'RoleManagement.ReadWrite.Directory',
  ],
  'AuditLog.Read.All': [],
  'Organization.Read.All': [
    'LicenseAssignment.Read.All',
    'Organization.ReadWrite.All',
    'LicenseAssignment.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  'Policy.Read.All': [],
  'MailboxSettings.Read': ['MailboxSettings.ReadWrite'],
  [EXCHANGE_MANAGE_AS_APP]: [],
};

/** The granted permission that gives `needed`: itself, else a broader one Graph accepts (read-only first). */
export function grantingPermission(needed: string, granted: ReadonlySet<string>): string | undefined {
  if (granted.has(needed)) return needed;
  const broader = (SATISFIED_BY[needed] ?? []).filter((p) => granted.has(p));
  return broader.find((p) => !isWriteCapable(p)) ?? broader[0];
}

export function isSatisfied(needed: string, granted: ReadonlySet<string>): boolean {
  return grantingPermission(needed, granted) !== undefined;
}

/**
 * Permissions that allow changing something (write, send, full control, manage): a read-only scanner never
 * needs them. Exchange.ManageAsApp is not matched: it only lets the app call Exchange, whose directory role
 * (Global Reader for the controls) decides what it may do.
 */
export function isWriteCapable(permission: string): boolean {
  return /ReadWrite|\.Write(\.|$)|\.Send(\.|$)|FullControl|\.Manage\./.test(permission);
}

export type PermissionResource = 'graph' | 'exchange';

/** What one control needs: Graph app roles on the Graph token, Exchange app roles on the Exchange token. */
export interface ControlNeeds {
  controlId: string;
  graph: readonly string[];
  exchange: readonly string[];
  /** Directory role the app must hold for Exchange: not visible in any token, so never verified. */
  exchangeDirectoryRole: string | null;
}

/** App roles of the tenant's tokens; null when that token could not be acquired (or was not requested). */
export interface GrantedRoles {
  graph: readonly string[] | null;
  exchange: readonly string[] | null;
}

export interface BlockedControl {
  controlId: string;
  /** Needed permissions the tokens lack (least-privileged names), in the control's order. */
  missing: string[];
  /** Resources the control needs whose token could not be acquired (their permissions are unknown). */
  noToken: PermissionResource[];
}

export interface PermissionAnalysis {
  runnable: string[];
  blocked: BlockedControl[];
  /** Write-capable granted permissions no selected control needs, sorted: a warning, never a blocker. */
  excess: string[];
}

/** The needs of the given controls from the catalogue, in catalogue order (unknown ids are ignored). */
export function controlNeeds(controlIds: readonly string[]): ControlNeeds[] {
  const wanted = new Set(controlIds);
  return CATALOGUE.filter((entry) => wanted.has(entry.id)).map((entry) => ({
    controlId: entry.id,
    graph: [...entry.graphPermissions],
    exchange: entry.exchangeRole === null ? [] : [EXCHANGE_MANAGE_AS_APP],
    exchangeDirectoryRole: entry.exchangeRole,
  }));
}

/**
 * Which controls the granted app roles let run, which they block and why, and what is granted beyond need.
 * `alsoUsed`: permissions the deployment uses besides the controls (the report mail's), never "excess".
 */
export function analysePermissions(
  needs: readonly ControlNeeds[],
  granted: GrantedRoles,
  alsoUsed: readonly string[] = [],
): PermissionAnalysis {
  const sets = {
    graph: granted.graph === null ? null : new Set(granted.graph),
    exchange: granted.exchange === null ? null : new Set(granted.exchange),
  };
  const runnable: string[] = [];
  const blocked: BlockedControl[] = [];
  for (const need of needs) {
    const missing: string[] = [];
    const noToken: PermissionResource[] = [];
    for (const resource of ['graph', 'exchange'] as const) {
      const wanted = need[resource];
      const have = sets[resource];
      if (wanted.length === 0) continue;
      if (have === null) noToken.push(resource);
      else missing.push(...wanted.filter((p) => !isSatisfied(p, have)));
    }
    if (missing.length === 0 && noToken.length === 0) runnable.push(need.controlId);
    else blocked.push({ controlId: need.controlId, missing, noToken });
  }
  const needed = new Set([...needs.flatMap((n) => [...n.graph, ...n.exchange]), ...alsoUsed]);
  const excess = [...new Set([...(granted.graph ?? []), ...(granted.exchange ?? [])])]
    .filter((p) => isWriteCapable(p) && !needed.has(p))
    .sort();
  return { runnable, blocked, excess };
}

/** The scanning app as an admin finds it in the Entra admin center. */
export interface ScanningApp {
  clientId: string;
  tenantId: string;
}

/**
 * The `error` reason of a control blocked by missing permissions, e.g. `needs application permission
 * AuditLog.Read.All (grant it to the app registration "…" in tenant … and admin-consent it)`.
 */
export function missingPermissionReason(blocked: BlockedControl, app: ScanningApp): string {
  const parts: string[] = [];
  if (blocked.missing.length > 0) {
    const one = blocked.missing.length === 1;
    parts.push(
      `needs application permission${one ? '' : 's'} ${blocked.missing.join(', ')} ` +
        `(grant ${one ? 'it' : 'them'} to the app registration "${app.clientId}" in tenant ${app.tenantId} and admin-consent ${one ? 'it' : 'them'})`,
    );
  }
  for (const resource of blocked.noToken) {
    parts.push(
      `no access token for ${resource === 'graph' ? 'Microsoft Graph' : 'Exchange Online'} could be acquired`,
    );
  }
  return parts.join('; ');
}
