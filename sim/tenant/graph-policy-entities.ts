// JSON shapes of the tenant-level Graph v1.0 resources: subscribedSku, conditionalAccessPolicy and
// identitySecurityDefaultsEnforcementPolicy, with their property catalogues (names from the v1.0 CSDL).
import type { ConditionalAccessPolicy } from './conditional-access';
import type { EntityTypeCatalogue, GraphResource } from './graph-entities';
import { stableGuid } from './ids';
import { SKUS, type SkuPartNumber } from './skus';

const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);

const SUBSCRIBED_SKU_PROPERTIES = words(`id accountId accountName appliesTo capabilityStatus consumedUnits
  prepaidUnits servicePlans skuId skuPartNumber subscriptionIds`);

export const SUBSCRIBED_SKU_TYPE: EntityTypeCatalogue = {
  name: 'microsoft.graph.subscribedSku',
  csdlProperties: SUBSCRIBED_SKU_PROPERTIES,
  modelledProperties: SUBSCRIBED_SKU_PROPERTIES,
  defaultProperties: SUBSCRIBED_SKU_PROPERTIES,
};

/** Rough share of users consuming each SKU (consumedUnits is informative only; nothing counts it exactly). */
const CONSUMED_SHARE: Record<SkuPartNumber, number> = {
  ENTERPRISEPACK: 0.6,
  SPE_E5: 0.27,
  EMS: 0.05,
  AAD_PREMIUM: 0.3,
  POWER_BI_STANDARD: 0.2,
  EXCHANGESTANDARD: 0.05,
};

export function subscribedSkuResource(
  part: SkuPartNumber,
  tenant: { tenantId: string; name: string; seed: number; users: number },
): GraphResource {
  const sku = SKUS[part];
  const consumed = Math.round(tenant.users * CONSUMED_SHARE[part]);
  return {
    id: `${tenant.tenantId}_${sku.skuId}`,
    accountId: tenant.tenantId,
    accountName: tenant.name,
    appliesTo: 'User',
    capabilityStatus: 'Enabled',
    consumedUnits: consumed,
    prepaidUnits: {
      enabled: consumed + Math.ceil(consumed / 10) + 5,
      lockedOut: 0,
      suspended: 0,
      warning: 0,
    },
    servicePlans: sku.servicePlans.map((servicePlan) => ({
      servicePlanId: servicePlan.servicePlanId,
      servicePlanName: servicePlan.servicePlanName,
      provisioningStatus: 'Success',
      appliesTo: servicePlan.appliesTo,
    })),
    skuId: sku.skuId,
    skuPartNumber: sku.skuPartNumber,
    subscriptionIds: [stableGuid(tenant.seed, tenant.name, 'subscription', part)],
  };
}

const CONDITIONAL_ACCESS_POLICY_PROPERTIES = words(`id templateId displayName description createdDateTime
  modifiedDateTime deletedDateTime state sessionControls conditions grantControls`);

export const CONDITIONAL_ACCESS_POLICY_TYPE: EntityTypeCatalogue = {
  name: 'microsoft.graph.conditionalAccessPolicy',
  csdlProperties: CONDITIONAL_ACCESS_POLICY_PROPERTIES,
  modelledProperties: CONDITIONAL_ACCESS_POLICY_PROPERTIES,
  defaultProperties: CONDITIONAL_ACCESS_POLICY_PROPERTIES,
};

/**
 * A policy as v1.0 returns it: grantControls.authenticationStrength is a contained navigation property that Graph
 * expands inline, preceded by its own @odata.context (also when null).
 */
export function conditionalAccessPolicyResource(
  policy: ConditionalAccessPolicy,
  origin: string,
): GraphResource {
  const { grantControls, ...rest } = policy;
  if (!grantControls) return { ...rest, grantControls: null };
  const { authenticationStrength, ...grant } = grantControls;
  return {
    ...rest,
    grantControls: {
      ...grant,
      'authenticationStrength@odata.context':
        `${origin}/v1.0/$metadata#identity/conditionalAccess/policies('${policy.id}')` +
        '/grantControls/authenticationStrength/$entity',
      authenticationStrength,
    },
  };
}

const SECURITY_DEFAULTS_PROPERTIES = words('id deletedDateTime description displayName isEnabled');

export const SECURITY_DEFAULTS_TYPE: EntityTypeCatalogue = {
  name: 'microsoft.graph.identitySecurityDefaultsEnforcementPolicy',
  csdlProperties: SECURITY_DEFAULTS_PROPERTIES,
  modelledProperties: SECURITY_DEFAULTS_PROPERTIES,
  defaultProperties: words('id displayName description isEnabled'),
};

export function securityDefaultsResource(isEnabled: boolean): GraphResource {
  return {
    id: '00000000-0000-0000-0000-000000000005',
    displayName: 'Security Defaults',
    description:
      'Security defaults is a set of basic identity security mechanisms recommended by Microsoft. When enabled, ' +
      'these recommendations will be automatically enforced in your organization. Administrators and users ' +
      'will be better protected from common identity related attacks.',
    isEnabled,
    deletedDateTime: null,
  };
}
