import type { ScannedUser, SubscribedSku } from '../collectors/types';
import { errorOutcome, part, type Control, type ControlContext } from './control';
import { allHold, condition, DataShapeError } from './data-shape-error';
import { privilegedAccessError, privilegedById, userScanOutcome } from './per-user';
import { assignedLicenses, describeUser, isEnabled } from './user-fields';

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
      if (!privileged.has(user.id)) return null;
      let licences: string[] = [];
      const judged = allHold([
        condition(() => isEnabled(user)),
        condition(() => (licences = mailboxLicences(user, skus.value)).length > 0),
      ]);
      if (!judged) return null;
      return {
        assetType: 'user',
        assetId: user.id,
        assetName: user.userPrincipalName,
        detail: `privileged user with a mailbox licence: ${licences.sort().join(', ')}`,
      };
    };
  },
  evaluate(context: ControlContext) {
    const skus = part(context.subscribedSkus);
    if (!skus.ok) return errorOutcome(`subscribed SKUs could not be read: ${skus.reason}`);
    return privilegedAccessError(context) ?? userScanOutcome(context, 'CRW-ID-04');
  },
};

/**
 * The user's licences that give a mailbox, as "SKU (plans)". A licence of a SKU the tenant does not list cannot
 * be judged (DataShapeError), nor can licences Graph sent in another shape.
 */
function mailboxLicences(user: ScannedUser, skus: ReadonlyMap<string, SubscribedSku>): string[] {
  const found: string[] = [];
  for (const [i, licence] of assignedLicenses(user).entries()) {
    const sku = skus.get(licence.skuId);
    if (!sku) {
      throw new DataShapeError(
        describeUser(user),
        `assignedLicenses[${i}].skuId`,
        JSON.stringify(licence.skuId),
        'a skuId listed by /subscribedSkus',
      );
    }
    const disabled = new Set(licence.disabledPlans.map((id) => id.toLowerCase()));
    const plans = sku.servicePlans.filter(
      (p) =>
        p.servicePlanName.startsWith('EXCHANGE_S_') &&
        p.servicePlanName !== 'EXCHANGE_S_FOUNDATION' &&
        !disabled.has(p.servicePlanId.toLowerCase()),
    );
    if (plans.length > 0)
      found.push(`${sku.skuPartNumber} (${plans.map((p) => p.servicePlanName).join(', ')})`);
  }
  return found;
}
