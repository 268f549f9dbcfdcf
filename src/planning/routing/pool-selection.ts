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
  /**
   * Most routes handed to the solver (besides the incumbent's): the most efficient ones, cost
   * against the depot round trips of their stops. LP solvers spend time outside their own limit
   * reading big models, so the caller scales this with the time it can spare.
   */
  maxRoutes: number;
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
  const veh = inst.vehicles[0]!;
  const trip = (stop: number): number => {
    const c = stop + inst.nDepots;
    return veh.cost[veh.depot * inst.n + c]! + veh.cost[c * inst.n + veh.depot]!;
  };
  const ratio = (r: { stops: number[]; cost: number }): number => r.cost / Math.max(1e-9, r.stops.reduce((sum, c) => sum + trip(c), 0));
  const own = new Set(best.routes.filter((r) => r.nodes.length).map((r) => r.nodes.map((c) => c - inst.nDepots).sort((a, b) => a - b).join(',')));
  const keyOf = (r: { stops: number[] }): string => r.stops.slice().sort((a, b) => a - b).join(',');
  const others = pool.list().filter((r) => !own.has(keyOf(r))).sort((a, b) => ratio(a) - ratio(b)).slice(0, o.maxRoutes);
  const incumbentRoutes = best.routes.filter((r) => r.nodes.length).map((r) => ({ stops: r.nodes.map((c) => c - inst.nDepots), cost: r.cost }));
  const routes = [...incumbentRoutes, ...others];
  const incumbent = incumbentRoutes.map((_, i) => i);
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
