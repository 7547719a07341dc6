// Pure layout of the inventory sheets: Users, Administrators, Mailboxes, Conditional Access. They list what was
// scanned (not what failed), with the columns an auditor filters on: real dates, booleans, role and licence
// names. Users and mailboxes stream: their rows are built page by page during the scan, spooled in the run's
// checkpoint (JSON, dates as ISO text) and turned back into cells here as the writer asks for them.

import type { InventoryRow, SpooledRows } from '../checkpoints/scan-checkpoint';
import type { MailboxWithRules } from '../collectors/exchange-types';
import type {
  Collected,
  ConditionalAccessExclusions,
  ConditionalAccessPolicy,
  ConditionalAccessState,
  PermanentAssignment,
  PrivilegedAccess,
  RegistrationRecord,
  ScannedUser,
  SubscribedSku,
} from '../collectors/types';
import type { CellValue, ColumnSpec, FieldSpec, SheetSpec } from './workbook-layout';

/** A sheet's table before the fields above it: its columns and rows (rows may still be spooled). */
interface InventoryTable {
  columns: readonly ColumnSpec[];
  rowCount: number;
  rows: Iterable<CellValue[]> | AsyncIterable<CellValue[]>;
}

/** Names the users' inventory shows instead of ids: licences (SKU part numbers) and privileged roles. */
export interface UserInventoryNames {
  skuNames: ReadonlyMap<string, string>;
  /** Role names held, by user id (privileged roles only: the ones this scan reads). */
  rolesByUser: ReadonlyMap<string, readonly string[]>;
}

export const USER_COLUMNS: readonly ColumnSpec[] = [
  { header: 'Display name', width: 28, kind: 'text' },
  { header: 'User principal name', width: 40, kind: 'text' },
  { header: 'User type', width: 10, kind: 'text' },
  { header: 'Account enabled', width: 10, kind: 'text' },
  { header: 'Created (UTC)', width: 20, kind: 'date' },
  { header: 'Last sign-in (UTC)', width: 20, kind: 'date' },
  { header: 'Last successful sign-in (UTC)', width: 20, kind: 'date' },
  { header: 'Synced from on-premises', width: 12, kind: 'text' },
  { header: 'Licences', width: 40, kind: 'wrap' },
  { header: 'Privileged roles', width: 36, kind: 'wrap' },
  { header: 'Object id', width: 38, kind: 'text' },
];

export const MAILBOX_COLUMNS: readonly ColumnSpec[] = [
  { header: 'Display name', width: 28, kind: 'text' },
  { header: 'Primary SMTP address', width: 40, kind: 'text' },
  { header: 'User principal name', width: 40, kind: 'text' },
  { header: 'Mailbox type', width: 18, kind: 'text' },
  { header: 'Audit enabled', width: 10, kind: 'text' },
  { header: 'Forwarding address', width: 36, kind: 'text' },
  { header: 'Inbox rules', width: 10, kind: 'number' },
  { header: 'Forwarding inbox rules', width: 40, kind: 'wrap' },
  { header: 'Object id', width: 38, kind: 'text' },
];

const ADMINISTRATOR_COLUMNS: readonly ColumnSpec[] = [
  { header: 'User principal name', width: 40, kind: 'text' },
  { header: 'Display name', width: 28, kind: 'text' },
  { header: 'Role', width: 36, kind: 'text' },
  { header: 'Assignment', width: 11, kind: 'text' },
  { header: 'Permanent', width: 11, kind: 'text' },
  { header: 'Via group', width: 30, kind: 'text' },
  { header: 'Account enabled', width: 10, kind: 'text' },
  { header: 'User type', width: 10, kind: 'text' },
  { header: 'MFA registered', width: 11, kind: 'text' },
  { header: 'Object id', width: 38, kind: 'text' },
];

const POLICY_COLUMNS: readonly ColumnSpec[] = [
  { header: 'Policy', width: 40, kind: 'text' },
  { header: 'State', width: 14, kind: 'text' },
  { header: 'Grant controls', width: 30, kind: 'wrap' },
  { header: 'Included users', width: 30, kind: 'wrap' },
  { header: 'Excluded users', width: 36, kind: 'wrap' },
  { header: 'Included groups', width: 20, kind: 'wrap' },
  { header: 'Excluded groups', width: 30, kind: 'wrap' },
  { header: 'Included roles', width: 30, kind: 'wrap' },
  { header: 'Excluded roles', width: 20, kind: 'wrap' },
  { header: 'Applications', width: 24, kind: 'wrap' },
  { header: 'Client app types', width: 24, kind: 'wrap' },
  { header: 'Created (UTC)', width: 20, kind: 'date' },
  { header: 'Modified (UTC)', width: 20, kind: 'date' },
  { header: 'Policy id', width: 38, kind: 'text' },
];

/** A list as one cell: names joined by "; ", an empty cell for none. */
function listCell(items: readonly string[]): string | null {
  return items.length === 0 ? null : items.join('; ');
}

/** Longest rule name listed whole: one 40,000-character name must not push the others out of the cell. */
const MAX_LISTED_NAME = 256;

function shortened(name: string): string {
  return name.length <= MAX_LISTED_NAME ? name : `${name.slice(0, MAX_LISTED_NAME - 1)}…`;
}

/** Graph's "never signed in" date, which is no date to show. */
const NEVER = '0001-01-01';

function signInDate(value: string | null | undefined): string | null {
  return value === null || value === undefined || value.startsWith(NEVER) ? null : value;
}

/** One user's inventory row, JSON-able: built during the scan and spooled until the report. */
export function userInventoryRow(user: ScannedUser, names: UserInventoryNames): InventoryRow {
  const activity = user.signInActivity;
  return [
    user.displayName ?? null,
    user.userPrincipalName,
    user.userType,
    user.accountEnabled,
    user.createdDateTime,
    signInDate(activity?.lastSignInDateTime),
    signInDate(activity?.lastSuccessfulSignInDateTime),
    user.onPremisesSyncEnabled,
    user.assignedLicenses === null
      ? null
      : listCell(user.assignedLicenses.map((l) => names.skuNames.get(l.skuId) ?? l.skuId)),
    listCell(names.rolesByUser.get(user.id) ?? []),
    user.id,
  ];
}

/** One mailbox's inventory row; the rule columns are empty when inbox rules were not read. */
export function mailboxInventoryRow(mailbox: MailboxWithRules): InventoryRow {
  const rules = mailbox.inboxRules;
  const forwarding = rules?.filter(
    (r) => r.forwardTo.length + r.redirectTo.length + r.forwardAsAttachmentTo.length > 0,
  );
  return [
    mailbox.displayName ?? null,
    mailbox.primarySmtpAddress,
    mailbox.userPrincipalName,
    mailbox.recipientTypeDetails,
    mailbox.auditEnabled,
    mailbox.forwardingSmtpAddress,
    rules === null ? null : rules.length,
    forwarding === undefined || forwarding === null
      ? null
      : listCell(forwarding.map((r) => shortened(r.displayName))),
    mailbox.externalDirectoryObjectId,
  ];
}

/** The users' inventory names from the tenant snapshot; ids stand in for what was not collected. */
export function userInventoryNames(
  skus: Collected<ReadonlyMap<string, SubscribedSku>> | undefined,
  access: Collected<PrivilegedAccess>,
): UserInventoryNames {
  const skuNames = new Map<string, string>();
  if (skus?.ok) for (const [id, sku] of skus.value) skuNames.set(id, sku.skuPartNumber);
  const rolesByUser = new Map<string, string[]>();
  if (access.ok) {
    for (const user of access.value.users)
      rolesByUser.set(user.id, [...new Set(user.roles.map((r) => r.roleName))].sort());
  }
  return { skuNames, rolesByUser };
}

/** Spooled rows back into cells: ISO text in date columns becomes a Date (a date cell, not text). */
async function* decodedRows(columns: readonly ColumnSpec[], rows: AsyncIterable<InventoryRow>) {
  const dateColumns = columns.flatMap((column, index) => (column.kind === 'date' ? [index] : []));
  for await (const row of rows) {
    const cells: CellValue[] = [...row];
    for (const index of dateColumns) {
      const value = cells[index];
      if (typeof value === 'string') cells[index] = new Date(value);
    }
    yield cells;
  }
}

export function spooledTable(columns: readonly ColumnSpec[], spooled: SpooledRows): InventoryTable {
  return { columns, rowCount: spooled.count, rows: decodedRows(columns, spooled.rows) };
}

/** An inventory sheet; a part that was not collected shows why, above an empty table. */
export function inventorySheet(
  name: string,
  collected: Collected<unknown> | undefined,
  table: InventoryTable,
): SheetSpec {
  const fields: FieldSpec[] = [];
  if (collected === undefined)
    fields.push({ label: 'Not collected', value: 'no control of this scan reads it' });
  else if (!collected.ok) fields.push({ label: 'Not collected', value: collected.reason });
  return { name, fields, columns: [...table.columns], rowCount: table.rowCount, rows: table.rows };
}

/** One row per privileged role a user holds (directly or through a group, active or eligible). */
export function administratorsTable(
  access: Collected<PrivilegedAccess>,
  registrations: Collected<ReadonlyMap<string, RegistrationRecord>>,
  permanent: Collected<readonly PermanentAssignment[]> | undefined,
): InventoryTable {
  const rows: CellValue[][] = [];
  if (access.ok) {
    const permanentKeys = permanent?.ok
      ? new Set(permanent.value.map((p) => `${p.user.id}\u0000${p.roleId}`))
      : null;
    const users = [...access.value.users].sort((a, b) =>
      a.userPrincipalName.localeCompare(b.userPrincipalName),
    );
    for (const user of users) {
      const mfa = registrations.ok ? (registrations.value.get(user.id)?.isMfaRegistered ?? null) : null;
      for (const holding of user.roles) {
        rows.push([
          user.userPrincipalName,
          user.displayName ?? null,
          holding.roleName,
          holding.kind,
          // Eligible roles are never "permanent active"; unknown when the assignments were not read.
          holding.kind === 'eligible' || permanentKeys === null
            ? null
            : permanentKeys.has(`${user.id}\u0000${holding.roleId}`),
          holding.viaGroup?.displayName ?? null,
          user.accountEnabled,
          user.userType,
          mfa,
          user.id,
        ]);
      }
    }
  }
  return { columns: ADMINISTRATOR_COLUMNS, rowCount: rows.length, rows };
}

/**
 * One row per Conditional Access policy: excluded users by UPN and excluded groups by name where the scan resolved
 * them, roles by name where they are privileged roles the scan read (other ids as Graph sent them).
 */
export function conditionalAccessTable(
  state: Collected<ConditionalAccessState> | undefined,
  exclusions: Collected<ConditionalAccessExclusions> | undefined,
  access: Collected<PrivilegedAccess>,
): InventoryTable {
  const roleNames = new Map<string, string>();
  if (access.ok)
    for (const user of access.value.users) for (const r of user.roles) roleNames.set(r.roleId, r.roleName);
  const roleName = (id: string) => roleNames.get(id) ?? id;
  const upnOf = (id: string) =>
    (exclusions?.ok ? exclusions.value.users.get(id)?.userPrincipalName : undefined) ?? id;
  const groupName = (id: string) =>
    (exclusions?.ok ? exclusions.value.groupMembers.get(id)?.displayName : undefined) ?? id;
  const policies = state?.ok ? state.value.policies : [];
  const rows = policies.map((policy): CellValue[] => [
    policy.displayName,
    policy.state,
    grantText(policy.grant),
    listCell(policy.users.includeUsers),
    listCell(policy.users.excludeUsers.map(upnOf)),
    listCell(policy.users.includeGroups),
    listCell(policy.users.excludeGroups.map(groupName)),
    listCell(policy.users.includeRoles.map(roleName)),
    listCell(policy.users.excludeRoles.map(roleName)),
    listCell(policy.includeApplications),
    listCell(policy.clientAppTypes),
    policy.createdDateTime ? new Date(policy.createdDateTime) : null,
    policy.modifiedDateTime ? new Date(policy.modifiedDateTime) : null,
    policy.id,
  ]);
  return { columns: POLICY_COLUMNS, rowCount: rows.length, rows };
}

function grantText(grant: ConditionalAccessPolicy['grant']): string {
  if (grant === null) return 'none (session controls only)';
  const controls = [...grant.builtInControls];
  if (grant.authenticationStrength) controls.push('authentication strength');
  return controls.join(` ${grant.operator} `);
}
