// One throttle governor per tenant and service for the whole process: Graph's budgets are per app and tenant, so
// every client of a tenant (this scan's, the next scan's) must draw from the same buckets and honour the same
// Retry-After. Kept for the life of the process, like the service's own buckets; a few hundred bytes per tenant.
import { DOCUMENTED_GRAPH_BUDGETS, graphFamilyBudgets } from './graph-throttle-families';
import { ThrottleGovernor } from './throttle-governor';

export type ThrottledService = 'graph' | 'exchange';

const governors = new Map<string, ThrottleGovernor>();

/** The process's governor for `tenantId` and `service`, with the documented budgets. */
export function throttleGovernorFor(tenantId: string, service: ThrottledService): ThrottleGovernor {
  const key = `${tenantId.toLowerCase()}/${service}`;
  let governor = governors.get(key);
  if (!governor) {
    governor =
      service === 'graph'
        ? new ThrottleGovernor({
            budgets: graphFamilyBudgets(DOCUMENTED_GRAPH_BUDGETS),
            concurrentPerMailbox: DOCUMENTED_GRAPH_BUDGETS.outlookConcurrentPerMailbox,
          })
        : // The admin API documents no budget: its governor only makes every request wait out a Retry-After.
          new ThrottleGovernor({ budgets: {} });
    governors.set(key, governor);
  }
  return governor;
}
