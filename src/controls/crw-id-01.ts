import type { PrivilegedUser } from '../collectors/types';
import { errorOutcome, outcomeFromFindings, type Control, type ControlContext } from './control';
import { describeHoldings, enabledHolders } from './privileged-users';
import type { Finding } from './types';

/** CRW-ID-01: every enabled privileged user has registered for MFA (one finding per user). */
export const crwId01: Control = {
  meta: {
    id: 'CRW-ID-01',
    title: 'Privileged users are registered for MFA',
    severity: 'high',
    references: ['CIS M365 5.2.2.1', 'MS.AAD.3.6v1'],
    graphPermissions: [
      'RoleManagement.Read.Directory',
      'RoleEligibilitySchedule.Read.Directory',
      'User.Read.All',
      'GroupMember.Read.All',
      'AuditLog.Read.All',
    ],
    exchangeRole: null,
    remediation:
      'Have each listed administrator register a phishing-resistant MFA method (FIDO2 key, Windows Hello for Business or certificate) at https://aka.ms/mysecurityinfo, and enforce it with a Conditional Access policy for administrator roles.',
  },
  reads: ['privilegedAccess', 'registrations'],
  evaluate(context: ControlContext) {
    const { privilegedAccess, registrations } = context;
    if (!privilegedAccess.ok)
      return errorOutcome(`privileged users could not be read: ${privilegedAccess.reason}`);
    if (!registrations.ok)
      return errorOutcome(`MFA registration report could not be read: ${registrations.reason}`);
    const roleIds = new Set(context.settings.privilegedRoles);
    const findings: Finding[] = [];
    for (const user of enabledHolders(privilegedAccess.value.users, roleIds)) {
      const record = registrations.value.get(user.id);
      if (record?.isMfaRegistered) continue;
      const problem = record ? 'not registered for MFA' : 'no MFA registration record';
      findings.push(userFinding(user, roleIds, problem));
    }
    return outcomeFromFindings(findings);
  },
};

function userFinding(user: PrivilegedUser, roleIds: ReadonlySet<string>, problem: string): Finding {
  const held = user.roles.filter((r) => roleIds.has(r.roleId));
  return {
    assetType: 'user',
    assetId: user.id,
    assetName: user.userPrincipalName,
    detail: `${problem}; holds ${describeHoldings(held)}`,
  };
}
