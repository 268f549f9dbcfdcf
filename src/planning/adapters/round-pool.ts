/**
 * A sub-problem's route pool as stored with its result (round_subproblems.result.pool) and read back at
 * the merge. Compact: the corridor and vehicle ids once, then each route as one array of indices,
 * [vehicle, stop, stop, ...], and its cost as the search counted it (the merge trusts it for the model
 * and re-checks the routes it picks). 500 routes of a 500-stop sub-problem make ~40 KB of JSON.
 */
import type { MergePoolRoute } from '../decompose/pool.merge';
import type { SolvedPoolRoute } from '../solve';
import type { BuiltProblem, VehicleForPlan } from './round-problem';

export interface StoredPool {
  corridors: string[];
  vehicles: string[];
  /** [vehicle index, ...corridor indices in visiting order]. */
  routes: number[][];
  /** Cost of each route (metres with the rounds' vehicles), to a tenth. */
  costs?: number[];
}

/** The pool of a sub-problem's search (indices into `built` and `vehicles`) in its stored form. */
export function toStoredPool(built: BuiltProblem, vehicles: readonly VehicleForPlan[], pool: readonly SolvedPoolRoute[]): StoredPool {
  const corridors = built.problem.stops.map((s) => s.id);
  const used = [...new Set(pool.map((r) => r.vehicle))].sort((a, b) => a - b);
  const at = new Map(used.map((v, i) => [v, i]));
  return {
    corridors, vehicles: used.map((v) => vehicles[v]!.id), routes: pool.map((r) => [at.get(r.vehicle)!, ...r.stops]),
    costs: pool.map((r) => Math.round(r.cost * 10) / 10),
  };
}

/**
 * Every stored pool's routes on the district: stop and vehicle indices of `built` and `vehicles`. A
 * route naming a corridor or vehicle the district does not have (a record changed) is left out.
 */
export function poolRoutesOnDistrict(built: BuiltProblem, vehicles: readonly VehicleForPlan[], pools: readonly (StoredPool | undefined)[]): MergePoolRoute[] {
  const stopOf = new Map(built.problem.stops.map((s, i) => [s.id, i]));
  const vehicleOf = new Map(vehicles.map((v, i) => [v.id, i]));
  const out: MergePoolRoute[] = [];
  for (const pool of pools) {
    if (!pool) continue;
    const stops = pool.corridors.map((c) => stopOf.get(c));
    const fleet = pool.vehicles.map((v) => vehicleOf.get(v));
    pool.routes.forEach(([v, ...route], i) => {
      const vehicle = fleet[v ?? -1];
      const at = route.map((s) => stops[s]);
      if (vehicle === undefined || !at.length || at.some((s) => s === undefined)) return;
      const cost = pool.costs?.[i];
      out.push({ vehicle, stops: at as number[], ...(cost !== undefined ? { cost } : {}) });
    });
  }
  return out;
}
