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
  /** Two random 32-bit words per node: a stop set's key is their XOR and sum, in O(length), no sort. */
  private readonly zobrist: Uint32Array;

  constructor(private readonly inst: Instance, private readonly limit = 50_000) {
    this.zobrist = new Uint32Array(2 * inst.n);
    // a fixed generator (xorshift32), so the same search always builds the same keys
    let x = 0x9e3779b9;
    for (let i = 0; i < this.zobrist.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      this.zobrist[i] = x >>> 0;
    }
  }

  /**
   * Keys a route's stop set by hashing (the search adds a route for every accepted near-best move,
   * so a sorted list of its stops as the key was a noticeable share of the search's time). Two sets
   * sharing a key (odds about 2^-64 per pair) would keep only the cheaper route: a route left out of
   * the pool, never a wrong one.
   */
  private key(klass: number, nodes: readonly number[]): string {
    let a = 0;
    let b = 0;
    for (const c of nodes) {
      a ^= this.zobrist[2 * c]!;
      b = (b + this.zobrist[2 * c + 1]!) >>> 0;
    }
    return `${klass}:${nodes.length}:${a >>> 0}:${b}`;
  }

  add(r: Route): void {
    if (!r.nodes.length) return;
    const klass = this.inst.vehicles[r.v]!.klass;
    const key = this.key(klass, r.nodes);
    const known = this.routes.get(key);
    if (known) {
      if (r.cost < known.cost - 1e-9) {
        known.cost = r.cost;
        known.stops = r.nodes.map((c) => c - this.inst.nDepots);
      }
    } else if (this.routes.size < this.limit) this.routes.set(key, { stops: r.nodes.map((c) => c - this.inst.nDepots), cost: r.cost, klass });
  }

  get size(): number {
    return this.routes.size;
  }

  list(): PoolRoute[] {
    return [...this.routes.values()];
  }

  /**
   * At most `max` routes worth handing on (to a set-partitioning merge): `keep` first (the final
   * plan's routes), then the most efficient others, cost against the depot round trips of their stops
   * (a route that serves far stops cheaply together). Ties go by stop set, so the same search (same
   * seed, same iterations) always hands on the same routes.
   */
  best(keep: readonly Route[], max: number): PoolRoute[] {
    if (max <= 0) return [];
    const inst = this.inst;
    const out = new Map<string, PoolRoute>();
    for (const r of keep) {
      if (!r.nodes.length || out.size >= max) continue;
      const klass = inst.vehicles[r.v]!.klass;
      out.set(this.key(klass, r.nodes), { stops: r.nodes.map((c) => c - inst.nDepots), cost: r.cost, klass });
    }
    const firstOf = new Map<number, number>();
    inst.vehicles.forEach((v, i) => firstOf.has(v.klass) || firstOf.set(v.klass, i));
    const ratio = (r: PoolRoute): number => {
      const veh = inst.vehicles[firstOf.get(r.klass)!]!;
      const trips = r.stops.reduce((sum, s) => sum + veh.cost[veh.depot * inst.n + s + inst.nDepots]! + veh.cost[(s + inst.nDepots) * inst.n + veh.depot]!, 0);
      return r.cost / Math.max(1e-9, trips);
    };
    const rest = [...this.routes.entries()].filter(([key]) => !out.has(key))
      .map(([key, r]) => ({ key, r, score: ratio(r) }))
      .sort((a, b) => a.score - b.score || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const { key, r } of rest) {
      if (out.size >= max) break;
      out.set(key, { stops: r.stops.slice(), cost: r.cost, klass: r.klass });
    }
    return [...out.values()];
  }
}
