// The licences (SKUs) a generated tenant subscribes to, with Microsoft's real skuIds and servicePlanIds (from the
// "Product names and service plan identifiers for licensing" reference; service plan lists are abridged). Whether
// an assignment gives a mailbox follows CONTROLS.md (ID-04): an enabled EXCHANGE_S_* plan other than
// EXCHANGE_S_FOUNDATION.

export interface ServicePlan {
  servicePlanId: string;
  servicePlanName: string;
  /** "User" for per-user plans, "Company" for tenant-level ones (EXCHANGE_S_FOUNDATION). */
  appliesTo: 'User' | 'Company';
}

export type SkuPartNumber =
  'ENTERPRISEPACK' | 'SPE_E5' | 'EMS' | 'AAD_PREMIUM' | 'POWER_BI_STANDARD' | 'EXCHANGESTANDARD';

export interface Sku {
  skuId: string;
  skuPartNumber: SkuPartNumber;
  servicePlans: readonly ServicePlan[];
}

/** One entry of user.assignedLicenses, by part number (the Graph shape uses skuId and plan ids). */
export interface PlannedLicence {
  sku: SkuPartNumber;
  /** servicePlanNames switched off in this assignment. */
  disabledPlans?: string[];
}

const plan = (servicePlanName: string, servicePlanId: string, appliesTo: 'User' | 'Company' = 'User') => ({
  servicePlanId,
  servicePlanName,
  appliesTo,
});

export const SERVICE_PLANS = {
  EXCHANGE_S_ENTERPRISE: plan('EXCHANGE_S_ENTERPRISE', 'efb87545-963c-4e0d-99df-69c6916d9eb0'),
  EXCHANGE_S_STANDARD: plan('EXCHANGE_S_STANDARD', '9aaf7827-d63c-4b61-89c3-182f06f82e5c'),
  EXCHANGE_S_FOUNDATION: plan('EXCHANGE_S_FOUNDATION', '113feb6c-3fe4-4440-bddc-54d774bf0318', 'Company'),
  SHAREPOINTENTERPRISE: plan('SHAREPOINTENTERPRISE', '5dbe027f-2339-4123-9542-606e4d348a72'),
  SHAREPOINTWAC: plan('SHAREPOINTWAC', 'e95bec33-7c88-4a70-8e19-b10bd9d0c014'),
  MCOSTANDARD: plan('MCOSTANDARD', '0feaeb32-d00e-4d66-bd5a-43b5b83db82c'),
  OFFICESUBSCRIPTION: plan('OFFICESUBSCRIPTION', '43de0ff5-c92c-492b-9116-175376d08c38'),
  TEAMS1: plan('TEAMS1', '57ff2da0-773e-42df-b2af-ffb7a2317929'),
  YAMMER_ENTERPRISE: plan('YAMMER_ENTERPRISE', '7547a3fe-08ee-4ccb-b430-5077c5041653'),
  SWAY: plan('SWAY', 'a23b959c-7ce8-4e57-9140-b90eb88a9e97'),
  RMS_S_ENTERPRISE: plan('RMS_S_ENTERPRISE', 'bea4c11e-220a-4e6d-8eb8-8ea15d019f90'),
  RMS_S_PREMIUM: plan('RMS_S_PREMIUM', '6c57d4b6-3b23-47a5-9bc9-69f17b4947b3'),
  INTUNE_O365: plan('INTUNE_O365', '882e1d05-acd1-4ccb-8708-6ee03664b117', 'Company'),
  INTUNE_A: plan('INTUNE_A', 'c1ec4a95-1f05-45b3-a911-aa3fa01094f5'),
  AAD_PREMIUM: plan('AAD_PREMIUM', '41781fb2-bc02-4b7c-bd55-b576c07bb09d'),
  AAD_PREMIUM_P2: plan('AAD_PREMIUM_P2', 'eec0eb4f-6444-4f95-aba0-50c24d67f998'),
  MFA_PREMIUM: plan('MFA_PREMIUM', '8a256a2b-b617-496d-b51b-e76466e88db0'),
  ADALLOM_S_DISCOVERY: plan('ADALLOM_S_DISCOVERY', '932ad362-64a8-4783-9106-97849a1a30b9'),
  ATP_ENTERPRISE: plan('ATP_ENTERPRISE', 'f20fedf3-f3c3-43c3-8267-2bfdd51c0939'),
  LOCKBOX_ENTERPRISE: plan('LOCKBOX_ENTERPRISE', '9f431833-0334-42de-a7dc-70aa40db46db'),
  BI_AZURE_P0: plan('BI_AZURE_P0', '2049e525-b859-401b-b2a0-e0a31c4b1fe4'),
} as const satisfies Record<string, ServicePlan>;

const P = SERVICE_PLANS;

export const SKUS: Readonly<Record<SkuPartNumber, Sku>> = {
  ENTERPRISEPACK: {
    skuId: '6fd2c87f-b296-42f0-b197-1e91e994b900',
    skuPartNumber: 'ENTERPRISEPACK',
    servicePlans: [
      P.EXCHANGE_S_ENTERPRISE,
      P.SHAREPOINTENTERPRISE,
      P.SHAREPOINTWAC,
      P.MCOSTANDARD,
      P.OFFICESUBSCRIPTION,
      P.TEAMS1,
      P.YAMMER_ENTERPRISE,
      P.SWAY,
      P.RMS_S_ENTERPRISE,
      P.INTUNE_O365,
    ],
  },
  SPE_E5: {
    skuId: '06ebc4ee-1bb5-47dd-8120-11324bc54e06',
    skuPartNumber: 'SPE_E5',
    servicePlans: [
      P.EXCHANGE_S_ENTERPRISE,
      P.SHAREPOINTENTERPRISE,
      P.MCOSTANDARD,
      P.OFFICESUBSCRIPTION,
      P.TEAMS1,
      P.AAD_PREMIUM,
      P.AAD_PREMIUM_P2,
      P.MFA_PREMIUM,
      P.INTUNE_A,
      P.ATP_ENTERPRISE,
      P.LOCKBOX_ENTERPRISE,
    ],
  },
  EMS: {
    skuId: 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e',
    skuPartNumber: 'EMS',
    servicePlans: [
      P.EXCHANGE_S_FOUNDATION,
      P.AAD_PREMIUM,
      P.MFA_PREMIUM,
      P.INTUNE_A,
      P.RMS_S_PREMIUM,
      P.RMS_S_ENTERPRISE,
      P.ADALLOM_S_DISCOVERY,
    ],
  },
  AAD_PREMIUM: {
    skuId: '078d2b04-f1bd-4111-bbd4-b4b1b354cef4',
    skuPartNumber: 'AAD_PREMIUM',
    servicePlans: [P.EXCHANGE_S_FOUNDATION, P.AAD_PREMIUM, P.MFA_PREMIUM, P.ADALLOM_S_DISCOVERY],
  },
  POWER_BI_STANDARD: {
    skuId: 'a403ebcc-fae0-4ca2-8c8c-7a907fd6c235',
    skuPartNumber: 'POWER_BI_STANDARD',
    servicePlans: [P.EXCHANGE_S_FOUNDATION, P.BI_AZURE_P0],
  },
  EXCHANGESTANDARD: {
    skuId: '4b9405b0-7788-4568-add1-99614e613b69',
    skuPartNumber: 'EXCHANGESTANDARD',
    servicePlans: [P.EXCHANGE_S_STANDARD, P.INTUNE_O365],
  },
};

/** The SKUs a tenant subscribes to: the Office ones always, Entra ID P1 (EMS, AAD_PREMIUM) and P2 (E5) by licence. */
export function subscribedSkuPartNumbers(licences: { p1: boolean; p2: boolean }): SkuPartNumber[] {
  const parts: SkuPartNumber[] = ['ENTERPRISEPACK', 'EXCHANGESTANDARD', 'POWER_BI_STANDARD'];
  if (licences.p1) parts.push('EMS', 'AAD_PREMIUM');
  if (licences.p2) parts.push('SPE_E5');
  return parts;
}

/** CONTROLS.md ID-04: the assignment enables a service plan named EXCHANGE_S_* other than EXCHANGE_S_FOUNDATION. */
export function licenceGivesMailbox(licence: PlannedLicence): boolean {
  const disabled = new Set(licence.disabledPlans ?? []);
  return SKUS[licence.sku].servicePlans.some(
    (servicePlan) =>
      servicePlan.servicePlanName.startsWith('EXCHANGE_S_') &&
      servicePlan.servicePlanName !== 'EXCHANGE_S_FOUNDATION' &&
      !disabled.has(servicePlan.servicePlanName),
  );
}

/** user.assignedLicenses as Graph returns it. */
export function assignedLicenseResource(licence: PlannedLicence): { disabledPlans: string[]; skuId: string } {
  const sku = SKUS[licence.sku];
  const disabled = new Set(licence.disabledPlans ?? []);
  return {
    disabledPlans: sku.servicePlans
      .filter((servicePlan) => disabled.has(servicePlan.servicePlanName))
      .map((servicePlan) => servicePlan.servicePlanId),
    skuId: sku.skuId,
  };
}
