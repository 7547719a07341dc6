import { breakGlassMatcher } from './ca-rules';
import { errorOutcome, outcomeFromFindings, part, type Control, type ControlContext } from './control';
import type { Finding } from './types';
import { isEnabled } from './user-fields';

const PIM_LICENCE = 'AadPremiumLicenseRequired';

/** CRW-ID-03: no user (but break-glass) holds a privileged role through a permanent active assignment. */
export const crwId03: Control = {
  meta: {
    id: 'CRW-ID-03',
    title: 'Privileged roles are assigned just-in-time',
    severity: 'medium',
    references: ['CIS M365 5.3.1', 'MS.AAD.7.4v1'],
    graphPermissions: [
      'RoleManagement.Read.Directory',
      'RoleAssignmentSchedule.Read.Directory',
      'User.Read.All',
      'GroupMember.Read.All',
    ],
    exchangeRole: null,
    remediation:
      'In Privileged Identity Management, convert each listed permanent active assignment into an eligible assignment (activated just-in-time with MFA, justification and a time limit); keep permanent assignments for the break-glass accounts only.',
  },
  reads: ['permanentAssignments'],
  evaluate(context: ControlContext) {
    const assignments = part(context.permanentAssignments);
    if (!assignments.ok) {
      if (assignments.reason.includes(PIM_LICENCE)) {
        return errorOutcome(
          'Privileged Identity Management needs Entra ID P2 (Graph answered 400 AadPremiumLicenseRequired): license the tenant for Entra ID P2 to manage roles just-in-time',
        );
      }
      return errorOutcome(`permanent role assignments could not be read: ${assignments.reason}`);
    }
    const isBreakGlass = breakGlassMatcher(context.settings.breakGlass);
    const privileged = new Set(context.settings.privilegedRoles.map((id) => id.toLowerCase()));
    // One finding per user and role, naming every path (direct, groups) the permanent assignment takes.
    const byUserRole = new Map<string, { finding: Finding; paths: string[] }>();
    for (const a of assignments.value) {
      if (!privileged.has(a.roleId.toLowerCase())) continue;
      if (isBreakGlass(a.user.userPrincipalName) || !isEnabled(a.user)) continue;
      const key = `${a.user.id}\u0000${a.roleId.toLowerCase()}`;
      const entry = byUserRole.get(key) ?? {
        finding: { assetType: 'user', assetId: a.user.id, assetName: a.user.userPrincipalName, detail: '' },
        paths: [],
      };
      const path = a.viaGroup ? `through group ${a.viaGroup.displayName}` : 'directly';
      if (!entry.paths.includes(path)) entry.paths.push(path);
      entry.finding.detail = `permanent active assignment of ${a.roleName} (${entry.paths.sort().join(', ')})`;
      byUserRole.set(key, entry);
    }
    return outcomeFromFindings([...byUserRole.values()].map((e) => e.finding));
  },
};
