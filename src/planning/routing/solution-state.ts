import type { Instance } from '../model/instance';
import { cloneRoute, emptyRoute, refreshRoute, type Route } from './route';

/**
 * A working solution: one route slot per vehicle (possibly empty), the route of every node
 * (-1 when absent) and the stops not placed yet. Copy-on-write: a candidate shares untouched
 * routes with its parent, so an iteration only pays for what it changes.
 */
export interface RoutingSolution {
  routes: Route[];
  routeOf: Int32Array;
  absent: number[];
  cost: number;
}

/** What an incomplete solution costs the search: absent stops and missing routes. */
export interface Penalties {
  absent: Float64Array;
  missingRoute: number;
}

export function emptySolution(inst: Instance, stops: readonly number[]): RoutingSolution {
  return {
    routes: inst.vehicles.map((_, v) => emptyRoute(inst, v)),
    routeOf: new Int32Array(inst.n).fill(-1),
    absent: [...stops],
    cost: 0,
  };
}

export function cloneSolution(s: RoutingSolution): RoutingSolution {
  return { routes: s.routes.map(cloneRoute), routeOf: s.routeOf.slice(), absent: s.absent.slice(), cost: s.cost };
}

/**
 * Shallow copy for copy-on-write: call `touch` before changing a route. `reuse` is a routeOf array
 * of a solution no longer needed, written over instead of allocating one (a search copies one per
 * iteration).
 */
export function shallowCopy(s: RoutingSolution, reuse?: Int32Array): RoutingSolution {
  let routeOf: Int32Array;
  if (reuse && reuse.length === s.routeOf.length) {
    reuse.set(s.routeOf);
    routeOf = reuse;
  } else routeOf = s.routeOf.slice();
  return { routes: s.routes.slice(), routeOf, absent: s.absent.slice(), cost: s.cost };
}

export function usedRoutes(s: RoutingSolution): number {
  let used = 0;
  for (const r of s.routes) if (r.nodes.length) used++;
  return used;
}

export function objective(inst: Instance, s: RoutingSolution, pen: Penalties): number {
  let value = s.cost;
  for (const c of s.absent) value += pen.absent[c]!;
  if (inst.minRoutes) value += Math.max(0, inst.minRoutes - usedRoutes(s)) * pen.missingRoute;
  return value;
}

/**
 * Penalties large enough that serving a stop always beats leaving it out (more for higher
 * priorities, so emergency medicine is the last thing dropped), and a route beats a missing one.
 */
export function makePenalties(inst: Instance): Penalties {
  let maxArc = 0;
  // vehicles with equal rates share one matrix: scan each matrix once
  for (const cost of new Set(inst.vehicles.map((v) => v.cost))) for (let i = 0; i < cost.length; i++) if (cost[i]! > maxArc) maxArc = cost[i]!;
  const fixed = Math.max(0, ...inst.vehicles.map((v) => v.fixed));
  const unit = 2 * maxArc + fixed + 1;
  const absent = new Float64Array(inst.n);
  for (let c = inst.nDepots; c < inst.n; c++) absent[c] = unit * (1 + 3 - inst.priority[c]!) * 4;
  return { absent, missingRoute: unit * 2 };
}

/** Recomputes a route after edits and keeps the solution's total cost and routeOf in step. */
export function commitRoute(inst: Instance, s: RoutingSolution, r: Route): void {
  s.cost -= r.cost;
  refreshRoute(inst, r);
  s.cost += r.cost;
  for (const c of r.nodes) s.routeOf[c] = r.v;
}
