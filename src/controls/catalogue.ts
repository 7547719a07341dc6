import type { Control, ControlMeta } from './control';
import { crwId01 } from './crw-id-01';
import { crwId02 } from './crw-id-02';

/** Controls this version evaluates, by id. */
export const IMPLEMENTED_CONTROLS: readonly Control[] = [crwId01, crwId02];

/**
 * What every control of shared/CONTROLS.md is and needs, implemented or not: unimplemented ones still report,
 * and `crw secrets check` shows the permissions each selected control will need.
 */
export type CatalogueEntry = Pick<
  ControlMeta,
  'id' | 'title' | 'severity' | 'graphPermissions' | 'exchangeRole'
>;

// Least-privileged application permissions per the Graph table of shared/reference/microsoft-wire-facts.md.
// Reading who is privileged (role definitions, active and eligible assignments, group members, users):
const PRIVILEGED_USERS = [
  'RoleManagement.Read.Directory',
  'RoleEligibilitySchedule.Read.Directory',
  'User.Read.All',
  'GroupMember.Read.All',
];
/** Exchange Online cmdlets through InvokeCommand: Exchange.ManageAsApp plus this directory role (read-only). */
const EXCHANGE_READER = 'Global Reader';

function planned(
  entry: Omit<CatalogueEntry, 'graphPermissions' | 'exchangeRole'>,
  graphPermissions: readonly string[],
  exchangeRole: string | null = null,
): CatalogueEntry {
  return { ...entry, graphPermissions: [...new Set(graphPermissions)], exchangeRole };
}

function implemented({ meta }: Control): CatalogueEntry {
  const { id, title, severity, graphPermissions, exchangeRole } = meta;
  return { id, title, severity, graphPermissions, exchangeRole };
}

export const CATALOGUE: readonly CatalogueEntry[] = [
  implemented(crwId01),
  implemented(crwId02),
  planned({ id: 'CRW-ID-03', title: 'Privileged roles are assigned just-in-time', severity: 'medium' }, [
    'RoleManagement.Read.Directory',
    'RoleAssignmentSchedule.Read.Directory',
    'User.Read.All',
    'GroupMember.Read.All',
  ]),
  planned(
    { id: 'CRW-ID-04', title: 'Administrators use separate accounts without a mailbox', severity: 'medium' },
    [...PRIVILEGED_USERS, 'Organization.Read.All'],
  ),
  planned(
    { id: 'CRW-ID-05', title: 'Administrator accounts are cloud-only', severity: 'medium' },
    PRIVILEGED_USERS,
  ),
  planned(
    { id: 'CRW-ID-06', title: 'Conditional Access requires MFA for administrators', severity: 'high' },
    [...PRIVILEGED_USERS, 'Policy.Read.All'],
  ),
  planned({ id: 'CRW-ID-07', title: 'Legacy authentication is blocked', severity: 'high' }, [
    'Policy.Read.All',
  ]),
  planned({ id: 'CRW-ID-08', title: 'No accounts are excluded from MFA policies', severity: 'medium' }, [
    'Policy.Read.All',
    'User.Read.All',
    'GroupMember.Read.All',
  ]),
  // signInActivity needs AuditLog.Read.All; privileged users are read to raise their findings to high.
  planned({ id: 'CRW-ID-09', title: 'No stale enabled accounts', severity: 'medium' }, [
    ...PRIVILEGED_USERS,
    'AuditLog.Read.All',
  ]),
  planned({ id: 'CRW-ID-10', title: 'Baseline identity protection is on', severity: 'high' }, [
    'Policy.Read.All',
  ]),
  planned(
    { id: 'CRW-EXO-01', title: 'Mailbox auditing is on by default', severity: 'high' },
    [],
    EXCHANGE_READER,
  ),
  planned(
    { id: 'CRW-EXO-02', title: 'Unified audit log ingestion is enabled', severity: 'high' },
    [],
    EXCHANGE_READER,
  ),
  planned({ id: 'CRW-EXO-03', title: 'Every mailbox is audited', severity: 'medium' }, [], EXCHANGE_READER),
  planned(
    { id: 'CRW-EXO-04', title: 'No mailbox forwards to external domains', severity: 'high' },
    [],
    EXCHANGE_READER,
  ),
  // Inbox rules come from Graph (messageRules); mailboxes and accepted domains from Exchange.
  planned(
    { id: 'CRW-EXO-05', title: 'No inbox rule forwards to external recipients', severity: 'high' },
    ['MailboxSettings.Read'],
    EXCHANGE_READER,
  ),
  planned(
    { id: 'CRW-EXO-06', title: 'Automatic external forwarding is blocked org-wide', severity: 'high' },
    [],
    EXCHANGE_READER,
  ),
];
