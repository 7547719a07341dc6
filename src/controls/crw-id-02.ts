import {
  errorOutcome,
  GLOBAL_ADMINISTRATOR,
  outcomeFromFindings,
  tenantFinding,
  type Control,
  type ControlContext,
} from './control';
import { enabledHolders } from './privileged-users';

/** CRW-ID-02: the number of distinct enabled Global Administrators is within the configured range. */
export const crwId02: Control = {
  meta: {
    id: 'CRW-ID-02',
    title: 'Global Administrator count is within range',
    severity: 'high',
    references: ['CIS M365 1.1.3', 'MS.AAD.7.1v1'],
    graphPermissions: [
      'RoleManagement.Read.Directory',
      'RoleEligibilitySchedule.Read.Directory',
      'User.Read.All',
      'GroupMember.Read.All',
    ],
    exchangeRole: null,
    remediation:
      'Keep between two and four Global Administrators: add a second (break-glass) account if there is only one, and move other administrators to least-privileged roles (e.g. User, Exchange or Security Administrator), ideally as PIM-eligible assignments.',
  },
  reads: ['privilegedAccess'],
  evaluate(context: ControlContext) {
    const { privilegedAccess, settings } = context;
    if (!privilegedAccess.ok)
      return errorOutcome(`role holders could not be read: ${privilegedAccess.reason}`);
    const holders = enabledHolders(privilegedAccess.value.users, new Set([GLOBAL_ADMINISTRATOR]));
    const [min, max] = settings.globalAdminRange;
    if (holders.length >= min && holders.length <= max) return { status: 'pass', reason: null, findings: [] };
    const names = holders.map((u) => u.userPrincipalName).sort();
    const bound =
      holders.length < min ? `fewer than the minimum of ${min}` : `more than the maximum of ${max}`;
    return outcomeFromFindings([
      tenantFinding(
        context,
        `${holders.length} Global Administrator${holders.length === 1 ? '' : 's'}, ${bound}${names.length ? `: ${names.join(', ')}` : ''}`,
      ),
    ]);
  },
};
