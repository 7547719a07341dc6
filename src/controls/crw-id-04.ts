import { errorOutcome, part, type Control, type ControlContext } from './control';
import { privilegedAccessError, privilegedById, userScanOutcome } from './per-user';

/** CRW-ID-04: privileged users hold no licence that gives them a mailbox (one finding per user). */
export const crwId04: Control = {
  meta: {
    id: 'CRW-ID-04',
    title: 'Administrators use separate accounts without a mailbox',
    severity: 'medium',
    references: ['CIS M365 1.1.4'],
    graphPermissions: [
      'RoleManagement.Read.Directory',
      'RoleEligibilitySchedule.Read.Directory',
      'User.Read.All',
      'GroupMember.Read.All',
      'Organization.Read.All',
    ],
    exchangeRole: null,
    remediation:
      'Give each listed administrator a separate, cloud-only admin account without an Exchange Online licence (or disable the Exchange plan in its licence), and keep mail on the everyday account: a mailbox exposes the privileged account to phishing.',
  },
  reads: ['privilegedAccess', 'subscribedSkus', 'userScan'],
  judgeUsers(context: ControlContext) {
    const privileged = privilegedById(context);
    const skus = part(context.subscribedSkus);
    if (!privileged || !skus.ok) return null;
    return (user) => {
      if (user.accountEnabled === false || !privileged.has(user.id)) return null;
      const mailboxLicences: string[] = [];
      for (const licence of user.assignedLicenses) {
        const sku = skus.value.get(licence.skuId);
        const disabled = new Set(licence.disabledPlans.map((id) => id.toLowerCase()));
        const plans = (sku?.servicePlans ?? []).filter(
          (p) =>
            p.servicePlanName.startsWith('EXCHANGE_S_') &&
            p.servicePlanName !== 'EXCHANGE_S_FOUNDATION' &&
            !disabled.has(p.servicePlanId.toLowerCase()),
        );
        if (sku && plans.length > 0)
          mailboxLicences.push(`${sku.skuPartNumber} (${plans.map((p) => p.servicePlanName).join(', ')})`);
      }
      if (mailboxLicences.length === 0) return null;
      return {
        assetType: 'user',
        assetId: user.id,
        assetName: user.userPrincipalName,
        detail: `privileged user with a mailbox licence: ${mailboxLicences.sort().join(', ')}`,
      };
    };
  },
  evaluate(context: ControlContext) {
    const skus = part(context.subscribedSkus);
    if (!skus.ok) return errorOutcome(`subscribed SKUs could not be read: ${skus.reason}`);
    return privilegedAccessError(context) ?? userScanOutcome(context, 'CRW-ID-04');
  },
};
