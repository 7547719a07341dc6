import type { GraphClient } from '../cloud/graph-client';
import { graphShapeError, requireString } from './shape';
import type { SubscribedSku } from './types';

const PATH = '/subscribedSkus';

/**
 * The tenant's SKUs with their service plans (a few dozen at most), by skuId. Only ID-04 reads them, so a SKU
 * whose plans cannot be read is UnexpectedShape: treating it as plan-less could hide a mailbox licence.
 */
export async function collectSubscribedSkus(graph: GraphClient): Promise<Map<string, SubscribedSku>> {
  const skus = new Map<string, SubscribedSku>();
  for await (const page of graph.pages<Record<string, unknown>>(
    `${PATH}?$select=skuId,skuPartNumber,servicePlans`,
  )) {
    for (const item of page) {
      const skuId = requireString(item.skuId, 'skuId', 'a subscribed SKU', PATH);
      const asset = `subscribed SKU ${typeof item.skuPartNumber === 'string' ? item.skuPartNumber : skuId}`;
      if (!Array.isArray(item.servicePlans))
        throw graphShapeError(PATH, asset, 'servicePlans', item.servicePlans, 'an array of service plans');
      const plans = item.servicePlans as Array<Record<string, unknown> | null>;
      skus.set(skuId, {
        skuId,
        skuPartNumber: typeof item.skuPartNumber === 'string' ? item.skuPartNumber : skuId,
        servicePlans: plans.map((plan, i) => ({
          servicePlanId: requireString(plan?.servicePlanId, `servicePlans[${i}].servicePlanId`, asset, PATH),
          servicePlanName: requireString(
            plan?.servicePlanName,
            `servicePlans[${i}].servicePlanName`,
            asset,
            PATH,
          ),
        })),
      });
    }
  }
  return skus;
}
