import type { GraphClient } from '../cloud/graph-client';
import { requireString } from './role-grants';
import type { SubscribedSku } from './types';

/** The tenant's SKUs with their service plans (a few dozen at most), by skuId. */
export async function collectSubscribedSkus(graph: GraphClient): Promise<Map<string, SubscribedSku>> {
  const skus = new Map<string, SubscribedSku>();
  for await (const page of graph.pages<Record<string, unknown>>(
    '/subscribedSkus?$select=skuId,skuPartNumber,servicePlans',
  )) {
    for (const item of page) {
      const skuId = requireString(item.skuId, 'skuId');
      const plans = Array.isArray(item.servicePlans) ? (item.servicePlans as Record<string, unknown>[]) : [];
      skus.set(skuId, {
        skuId,
        skuPartNumber: typeof item.skuPartNumber === 'string' ? item.skuPartNumber : skuId,
        servicePlans: plans.map((plan) => ({
          servicePlanId: requireString(plan.servicePlanId, 'servicePlanId'),
          servicePlanName: requireString(plan.servicePlanName, 'servicePlanName'),
        })),
      });
    }
  }
  return skus;
}
