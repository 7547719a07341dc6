import {
  coversRole,
  hasAdminMfaShape,
  hasKnownState,
  isReadable,
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
import { enabledHolders } from './privileged-users';

/** CRW-ID-06: every privileged role held by an enabled user is covered by an enforced MFA policy. */
export const crwId06: Control = {
  meta: {
    id: 'CRW-ID-06',
    title: 'Conditional Access requires MFA for administrators',
    severity: 'high',
    references: ['CIS M365 5.2.2.1', 'MS.AAD.3.6v1'],
    graphPermissions: [
      'RoleManagement.Read.Directory',
      'RoleEligibilitySchedule.Read.Directory',
      'User.Read.All',
      'GroupMember.Read.All',
      'Policy.Read.All',
    ],
    exchangeRole: null,
    remediation:
      'Create (or switch from report-only to On) a Conditional Access policy for all cloud apps that includes every privileged directory role and requires MFA or an authentication strength (preferably phishing-resistant), excluding only the break-glass accounts.',
  },
  reads: ['privilegedAccess', 'conditionalAccess'],
  evaluate(context: ControlContext) {
    const ca = part(context.conditionalAccess);
    if (!ca.ok) return errorOutcome(`Conditional Access policies could not be read: ${ca.reason}`);
    if (ca.value.securityDefaultsEnabled) return { status: 'pass', reason: null, findings: [] };
    const access = context.privilegedAccess;
    if (!access.ok) return errorOutcome(`privileged users could not be read: ${access.reason}`);
    const privileged = context.settings.privilegedRoles.map((id) => id.toLowerCase());
    const roleNames = new Map<string, string>();
    for (const user of enabledHolders(access.value.users, new Set(context.settings.privilegedRoles))) {
      for (const r of user.roles) {
        if (privileged.includes(r.roleId.toLowerCase())) roleNames.set(r.roleId.toLowerCase(), r.roleName);
      }
    }
    const { policies } = ca.value;
    const enforced = policies.filter((p) => p.state === 'enabled');
    const qualifying = enforced.filter((p) => isReadable(p) && hasAdminMfaShape(p));
    const uncovered = [...roleNames.keys()].filter(
      (roleId) => !qualifying.some((p) => coversRole(p, roleId)),
    );
    if (uncovered.length === 0) return { status: 'pass', reason: null, findings: [] };
    // The roles are uncovered by what could be read. An enabled policy that could not be read might cover them;
    // so might one in a state this version does not know, if it would qualify and cover one: cannot judge.
    for (const p of enforced) requireReadable(p);
    for (const p of policies.filter((p) => !hasKnownState(p))) {
      requireReadable(p);
      if (hasAdminMfaShape(p) && uncovered.some((roleId) => coversRole(p, roleId))) stateOf(p);
    }
    // Report-only policies that would qualify once turned on: the quickest fix, so the finding names them (those
    // that could not be read are left out: they change the detail only, never the outcome).
    const reportOnly = policies
      .filter(
        (p) =>
          p.state === 'enabledForReportingButNotEnforced' &&
          isReadable(p) &&
          hasAdminMfaShape(p) &&
          privileged.some((roleId) => coversRole(p, roleId)),
      )
      .map((p) => p.displayName)
      .sort();
    const names = uncovered.map((id) => roleNames.get(id) ?? id).sort();
    return outcomeFromFindings([
      tenantFinding(
        context,
        `security defaults are off and no enabled policy requires MFA for: ${names.join(', ')}` +
          (reportOnly.length > 0
            ? `; report-only policies that would otherwise qualify: ${reportOnly.join(', ')}`
            : ''),
      ),
    ]);
  },
};
