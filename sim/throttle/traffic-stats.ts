// Graph traffic counters for the sim's statistics: requests and 429s per throttling family and per route template.
// Counted whether throttling is on or off; $batch items count as requests of their own family.
import { GRAPH_FAMILIES, type GraphFamily, type GraphRoute } from './graph-routes';

export interface TrafficCount {
  requests: number;
  throttled: number;
}

export interface TrafficSnapshot {
  families: Record<GraphFamily, TrafficCount>;
  /** By route template, e.g. "GET /v1.0/users/{id}". */
  routes: Record<string, TrafficCount>;
}

export class TrafficStats {
  private families = emptyFamilies();
  private routes = new Map<string, TrafficCount>();

  recordRequest(route: GraphRoute): void {
    this.families[route.family].requests += 1;
    this.route(route.template).requests += 1;
  }

  recordThrottled(route: GraphRoute): void {
    this.families[route.family].throttled += 1;
    this.route(route.template).throttled += 1;
  }

  snapshot(): TrafficSnapshot {
    const families = emptyFamilies();
    for (const family of GRAPH_FAMILIES) families[family] = { ...this.families[family] };
    return {
      families,
      routes: Object.fromEntries([...this.routes].map(([template, count]) => [template, { ...count }])),
    };
  }

  reset(): void {
    this.families = emptyFamilies();
    this.routes = new Map();
  }

  private route(template: string): TrafficCount {
    let count = this.routes.get(template);
    if (!count) {
      count = { requests: 0, throttled: 0 };
      this.routes.set(template, count);
    }
    return count;
  }
}

function emptyFamilies(): Record<GraphFamily, TrafficCount> {
  return Object.fromEntries(
    GRAPH_FAMILIES.map((family) => [family, { requests: 0, throttled: 0 }]),
  ) as Record<GraphFamily, TrafficCount>;
}
