import type { DirectoryUser } from '../collectors/types';
import { breakGlassMatcher, isMfaPolicy } from './ca-rules';
import { errorOutcome, outcomeFromFindings, part, type Control, type ControlContext } from './control';
import type { Finding } from './types';
import { isEnabled } from './user-fields';

/** CRW-ID-08: no user but break-glass is excluded from an enforced MFA policy (one finding per user and policy). */
export const crwId08: Control = {
  meta: {
    id: 'CRW-ID-08',
    title: 'No accounts are excluded from MFA policies',
    severity: 'medium',
    references: ['CIS M365 5.2.2.2', 'MS.AAD.3.2v1'],
    graphPermissions: ['Policy.Read.All', 'User.Read.All', 'GroupMember.Read.All'],
    exchangeRole: null,
    remediation:
      'Remove the listed users (and the groups that contain them) from the exclusions of the MFA policies. Replace service accounts that cannot do MFA by workload identities (app registrations or managed identities) that authenticate with certificates kept in Azure Key Vault; exclude only the break-glass accounts.',
  },
  reads: ['conditionalAccess', 'conditionalAccessExclusions'],
  evaluate(context: ControlContext) {
    const ca = part(context.conditionalAccess);
    if (!ca.ok) return errorOutcome(`Conditional Access policies could not be read: ${ca.reason}`);
    // Throws (error) for a policy that may enforce but cannot be read, or grants MFA in an unknown state.
    const mfaPolicies = ca.value.policies.filter(isMfaPolicy);
    if (mfaPolicies.length === 0) {
      return {
        status: 'skipped',
        reason: 'no enabled Conditional Access policy requires MFA, so no account can be excluded from one',
        findings: [],
      };
    }
    const exclusions = part(context.conditionalAccessExclusions);
    if (!exclusions.ok) return errorOutcome(`excluded users could not be read: ${exclusions.reason}`);
    const isBreakGlass = breakGlassMatcher(context.settings.breakGlass);
    const findings: Finding[] = [];
    for (const policy of mfaPolicies) {
      // Per policy, each user once, with every way the policy excludes them.
      const excluded = new Map<string, { user: DirectoryUser; ways: string[] }>();
      const add = (user: DirectoryUser, way: string) => {
        const entry = excluded.get(user.id) ?? { user, ways: [] };
        if (!entry.ways.includes(way)) entry.ways.push(way);
        excluded.set(user.id, entry);
      };
      for (const id of policy.users.excludeUsers) {
        const user = exclusions.value.users.get(id);
        if (user) add(user, 'directly');
      }
      for (const groupId of policy.users.excludeGroups) {
        const group = exclusions.value.groupMembers.get(groupId);
        for (const member of group?.members ?? [])
          add(member, `through group ${group?.displayName ?? groupId}`);
      }
      for (const { user, ways } of excluded.values()) {
        if (isBreakGlass(user.userPrincipalName) || !isEnabled(user)) continue;
        findings.push({
          assetType: 'user',
          assetId: user.id,
          assetName: user.userPrincipalName,
          detail: `excluded from MFA policy "${policy.displayName}" (${ways.sort().join(', ')})`,
        });
      }
    }
    return outcomeFromFindings(findings);
  },
};
