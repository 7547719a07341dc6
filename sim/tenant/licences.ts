// user.assignedLicenses of an ordinary generated user (the admin plan sets its own users' licences): a pure
// function of (seed, index), the user's traits and the SKUs the tenant subscribes to.
import { seededRandom } from './ids';
import type { PlannedLicence } from './skus';

const STREAM_LICENCES = 0x1c;

export function ordinaryLicences(
  seed: number,
  index: number,
  facts: { accountEnabled: boolean; userType: 'Member' | 'Guest' },
  licences: { p1: boolean; p2: boolean },
): PlannedLicence[] {
  const random = seededRandom(seed, STREAM_LICENCES, index);
  const unlicensed = random.next();
  const suite = random.next();
  const trimmed = random.next() < 0.1;
  const powerBi = random.next() < 0.2;
  const entraP1 = random.next() < 0.4;

  if (facts.userType === 'Guest') return unlicensed < 0.05 ? [{ sku: 'POWER_BI_STANDARD' }] : [];
  if (unlicensed < (facts.accountEnabled ? 0.08 : 0.5)) return [];

  const result: PlannedLicence[] = [];
  if (suite < 0.05) result.push({ sku: 'EXCHANGESTANDARD' });
  else if (licences.p2 && suite < 0.35) result.push({ sku: 'SPE_E5' });
  else
    result.push({
      sku: 'ENTERPRISEPACK',
      ...(trimmed ? { disabledPlans: ['SWAY', 'YAMMER_ENTERPRISE'] } : {}),
    });
  if (powerBi) result.push({ sku: 'POWER_BI_STANDARD' });
  if (licences.p1 && entraP1 && result[0]?.sku !== 'SPE_E5') result.push({ sku: 'AAD_PREMIUM' });
  return result;
}
