import type { Instance } from '../model/instance';
import type { Route } from './route';

/** A route worth keeping for set partitioning: stop indices in its best known order, and its cost. */
export interface PoolRoute {
  stops: number[];
  cost: number;
  /** Vehicle class (interchangeable vehicles share one) the cost was computed for. */
  klass: number;
}

/**
 * Distinct good routes met during the search, keyed by vehicle class and stop set, keeping the
 * cheapest order of each set. Bounded: beyond `limit` routes, new sets are ignored.
 */
export class RoutePool {
  private readonly routes = new Map<string, PoolRoute>();

  constructor(private readonly inst: Instance, private readonly limit = 50_000) {}

  add(r: Route): void {
    if (!r.nodes.length) return;
    const klass = this.inst.vehicles[r.v]!.klass;
    const stops = r.nodes.map((c) => c - this.inst.nDepots);
    const key = `${klass}:${stops.slice().sort((a, b) => a - b).join(',')}`;
    const known = this.routes.get(key);
    if (known) {
      if (r.cost < known.cost - 1e-9) {
        known.cost = r.cost;
        known.stops = stops;
      }
    } else if (this.routes.size < this.limit) this.routes.set(key, { stops, cost: r.cost, klass });
  }

  get size(): number {
    return this.routes.size;
  }

  list(): PoolRoute[] {
    return [...this.routes.values()];
  }
}
