/**
 * Realistic route pools for the set-partitioning benchmark and tests: a random CVRP instance solved many
 * times by randomised Clarke-Wright savings + 2-opt, every route of every solution kept (as a local
 * search's pool would be). Seeded, deterministic.
 */
import type { PoolRoute } from '../src/planning/routing/set-partitioning';

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

export interface PoolInstance {
  stopCount: number;
  pool: PoolRoute[];
  /** Pool indices of the best generated solution: a valid incumbent. */
  incumbent: number[];
  incumbentCost: number;
}

export function makePool(stopCount: number, solutions: number, seed: number, routeSize = 10): PoolInstance {
  const rand = rng(seed);
  const pts = Array.from({ length: stopCount + 1 }, () => [rand() * 1000, rand() * 1000] as const);
  const demand = Array.from({ length: stopCount }, () => 1 + Math.floor(rand() * 9));
  const capacity = 5 * routeSize;
  const d = (a: number, b: number): number => Math.round(Math.hypot((pts[a]?.[0] ?? 0) - (pts[b]?.[0] ?? 0), (pts[a]?.[1] ?? 0) - (pts[b]?.[1] ?? 0)));
  // Node 0 is the depot; stop s is node s + 1.
  const routeCost = (stops: number[]): number => {
    let c = 0;
    let prev = 0;
    for (const s of stops) {
      c += d(prev, s + 1);
      prev = s + 1;
    }
    return c + d(prev, 0);
  };
  const twoOpt = (stops: number[]): number[] => {
    let best = stops;
    let improved = true;
    while (improved) {
      improved = false;
      for (let i = 0; i < best.length - 1 && !improved; i++) {
        for (let j = i + 1; j < best.length && !improved; j++) {
          const cand = [...best.slice(0, i), ...best.slice(i, j + 1).reverse(), ...best.slice(j + 1)];
          if (routeCost(cand) < routeCost(best)) {
            best = cand;
            improved = true;
          }
        }
      }
    }
    return best;
  };
  const pool: PoolRoute[] = [];
  let incumbent: number[] = [];
  let incumbentCost = Infinity;
  for (let k = 0; k < solutions; k++) {
    const lambda = 0.6 + rand();
    const savings: [number, number, number][] = [];
    for (let i = 0; i < stopCount; i++) {
      for (let j = i + 1; j < stopCount; j++) {
        const s = d(0, i + 1) + d(0, j + 1) - lambda * d(i + 1, j + 1);
        savings.push([s * (0.9 + 0.2 * rand()), i, j]);
      }
    }
    savings.sort((a, b) => b[0] - a[0]);
    const routeOf = Array.from({ length: stopCount }, (_, i) => i);
    const routes = new Map<number, number[]>(routeOf.map((i) => [i, [i]]));
    const load = new Map<number, number>(routeOf.map((i) => [i, demand[i] ?? 0]));
    for (const [, i, j] of savings) {
      const ri = routeOf[i] as number;
      const rj = routeOf[j] as number;
      if (ri === rj) continue;
      const a = routes.get(ri) as number[];
      const b = routes.get(rj) as number[];
      if ((load.get(ri) ?? 0) + (load.get(rj) ?? 0) > capacity) continue;
      // Join only at route ends, as Clarke-Wright does.
      let joined: number[] | null = null;
      if (a[a.length - 1] === i && b[0] === j) joined = [...a, ...b];
      else if (a[0] === i && b[b.length - 1] === j) joined = [...b, ...a];
      else if (a[0] === i && b[0] === j) joined = [...a.reverse(), ...b];
      else if (a[a.length - 1] === i && b[b.length - 1] === j) joined = [...a, ...b.reverse()];
      if (!joined) continue;
      routes.set(ri, joined);
      load.set(ri, (load.get(ri) ?? 0) + (load.get(rj) ?? 0));
      routes.delete(rj);
      for (const s of b) routeOf[s] = ri;
    }
    const chosen: number[] = [];
    let total = 0;
    for (const r of routes.values()) {
      const stops = twoOpt(r);
      const cost = routeCost(stops);
      chosen.push(pool.length);
      pool.push({ stops, cost });
      total += cost;
    }
    if (total < incumbentCost) {
      incumbentCost = total;
      incumbent = chosen;
    }
  }
  return { stopCount, pool, incumbent, incumbentCost };
}
