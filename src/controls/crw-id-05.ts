import type { Control, ControlContext } from './control';
import { allHold, condition } from './data-shape-error';
import { privilegedAccessError, privilegedById, userScanOutcome } from './per-user';
import { isEnabled, isSynchronised } from './user-fields';

/** CRW-ID-05: privileged users are cloud-only, not synchronised from on-premises AD (one finding per user). */
export const crwId05: Control = {
  meta: {
    id: 'CRW-ID-05',
    title: 'Administrator accounts are cloud-only',
    severity: 'medium',
    references: ['CIS M365 1.1.1', 'MS.AAD.7.3v1'],
    graphPermissions: [
      'RoleManagement.Read.Directory',
      'RoleEligibilitySchedule.Read.Directory',
      'User.Read.All',
      'GroupMember.Read.All',
    ],
    exchangeRole: null,
    remediation:
      "Create a cloud-only account (on the tenant's onmicrosoft.com domain) for each listed administrator, move the role assignments to it and remove them from the synchronised account, so that a compromised on-premises directory cannot take over the tenant.",
  },
  reads: ['privilegedAccess', 'userScan'],
  judgeUsers(context: ControlContext) {
    const privileged = privilegedById(context);
    if (!privileged) return null;
    return (user) => {
      if (!privileged.has(user.id)) return null;
      if (!allHold([condition(() => isEnabled(user)), condition(() => isSynchronised(user))])) return null;
      return {
        assetType: 'user',
        assetId: user.id,
        assetName: user.userPrincipalName,
        detail: 'privileged user synchronised from on-premises (onPremisesSyncEnabled true)',
      };
    };
  },
  evaluate(context: ControlContext) {
    return privilegedAccessError(context) ?? userScanOutcome(context, 'CRW-ID-05');
  },
};
