import type { ConditionalAccessPolicy } from '../collectors/types';
import {
  appliesToAllApplications,
  breakGlassMatcher,
  mayEnforce,
  narrowingConditions,
  requireReadable,
  stateOf,
} from './ca-rules';
import {
  errorOutcome,
  outcomeFromFindings,
  part,
  tenantFinding,
  type Control,
  type ControlContext,
} from './control';
import { condition, DataShapeError } from './data-shape-error';

/** CRW-ID-07: an enforced policy blocks legacy authentication for everyone but the break-glass accounts. */
export const crwId07: Control = {
  meta: {
    id: 'CRW-ID-07',
    title: 'Legacy authentication is blocked',
    severity: 'high',
    references: ['CIS M365 5.2.2.3', 'MS.AAD.1.1v1'],
    // Excluded users are resolved to UPNs with User.Read.All when granted; without it, only a policy without
    // excluded users can be judged (see evaluate).
    graphPermissions: ['Policy.Read.All'],
    exchangeRole: null,
    remediation:
      'Create a Conditional Access policy (state On) for all users and all cloud apps with client apps "Exchange ActiveSync clients" and "Other clients" that blocks access, with no other conditions and excluding only the break-glass accounts.',
  },
  reads: ['conditionalAccess', 'conditionalAccessExclusions'],
  evaluate(context: ControlContext) {
    const ca = part(context.conditionalAccess);
    if (!ca.ok) return errorOutcome(`Conditional Access policies could not be read: ${ca.reason}`);
    if (ca.value.securityDefaultsEnabled) return { status: 'pass', reason: null, findings: [] };
    const exclusions = part(context.conditionalAccessExclusions);
    const isBreakGlass = breakGlassMatcher(context.settings.breakGlass);
    let undecided: string | null = null;
    // A policy that may block but cannot be judged (conditions unreadable, or a state this version does not know):
    // the control cannot fail while it might be the one that blocks.
    let unjudged: DataShapeError | null = null;
    for (const policy of ca.value.policies.filter(mayEnforce)) {
      const blocks = condition(() => {
        requireReadable(policy);
        return blocksLegacyClientsForAll(policy) && stateOf(policy) === 'enabled';
      });
      if (blocks instanceof DataShapeError) unjudged ??= blocks;
      if (blocks !== true) continue;
      const excluded = policy.users.excludeUsers;
      if (excluded.length === 0) return { status: 'pass', reason: null, findings: [] };
      if (!exclusions.ok) {
        undecided = `the users excluded from "${policy.displayName}" could not be read: ${exclusions.reason}`;
        continue;
      }
      const allBreakGlass = excluded.every((id) => {
        const user = exclusions.value.users.get(id);
        return user != null && isBreakGlass(user.userPrincipalName);
      });
      if (allBreakGlass) return { status: 'pass', reason: null, findings: [] };
    }
    if (unjudged) throw unjudged;
    if (undecided) return errorOutcome(undecided);
    return outcomeFromFindings([
      tenantFinding(
        context,
        'security defaults are off and no enabled Conditional Access policy blocks Exchange ActiveSync and other legacy clients for all users and all cloud apps (excluding only break-glass accounts)',
      ),
    ]);
  },
};

/** Everything but the state and the excluded users: legacy clients, everyone, all apps, block, nothing narrower. */
function blocksLegacyClientsForAll(policy: ConditionalAccessPolicy): boolean {
  return (
    policy.clientAppTypes.includes('exchangeActiveSync') &&
    policy.clientAppTypes.includes('other') &&
    policy.users.includeUsers.includes('All') &&
    appliesToAllApplications(policy) &&
    (policy.grant?.builtInControls.includes('block') ?? false) &&
    narrowingConditions(policy).length === 0 &&
    policy.users.excludeGroups.length === 0 &&
    policy.users.excludeRoles.length === 0
  );
}
