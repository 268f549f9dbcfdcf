import type { Instance } from '../model/instance';
import type { LpSolver } from '../lp/lp.model';
import { sequenceCost } from './route';
import type { RoutePool } from './route-pool';
import { selectRoutes } from './set-partitioning';
import { commitRoute, emptySolution, type RoutingSolution } from './solution-state';

export interface PoolSelectionOptions {
  solver: LpSolver;
  timeLimitMs: number;
  now: () => number;
}

/**
 * Set partitioning over the pool of routes met during the search: the best combination of known
 * routes, with the search's best solution as MIP start and fallback. Only for a single class of
 * interchangeable vehicles and a solution that serves every stop (the model is a partition).
 * Returns an improved solution, or null.
 */
export function improveFromPool(inst: Instance, best: RoutingSolution, pool: RoutePool, o: PoolSelectionOptions): RoutingSolution | null {
  if (best.absent.length || inst.vehicles.some((v) => v.klass !== 0)) return null;
  if (inst.minRoutes && inst.minRoutes !== inst.vehicles.length) return null;
  for (const r of best.routes) pool.add(r);
  const routes = pool.list();
  const index = new Map(routes.map((r, i) => [r.stops.slice().sort((a, b) => a - b).join(','), i]));
  const incumbent = best.routes.filter((r) => r.nodes.length).map((r) => index.get(r.nodes.map((c) => c - inst.nDepots).sort((a, b) => a - b).join(','))!);
  const result = selectRoutes(routes, {
    stopCount: inst.nStops,
    ...(inst.minRoutes ? { exactRoutes: inst.minRoutes } : { maxRoutes: inst.vehicles.length }),
    timeLimitMs: o.timeLimitMs,
    solver: o.solver,
    incumbent,
    now: o.now,
  });
  if (!result.improved || !result.routes) return null;
  const sol = emptySolution(inst, []);
  let v = 0;
  for (const i of result.routes) {
    const nodes = routes[i]!.stops.map((s) => s + inst.nDepots);
    if (sequenceCost(inst, v, nodes) === Infinity) return null;
    const r = sol.routes[v]!;
    r.nodes = nodes;
    commitRoute(inst, sol, r);
    v++;
  }
  return sol.cost < best.cost - 1e-9 ? sol : null;
}
