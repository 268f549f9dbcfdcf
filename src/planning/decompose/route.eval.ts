import type { PlannedRoute, Problem } from '../model/problem.types';
import { travelBetween } from '../model/travel.matrix';

const EPS = 1e-6;

export type Arc = (fromLocation: number, toLocation: number) => { dist: number; time: number };

/** Arc look-up with a cache: the repair asks for the same few thousand arcs many times. */
function arcCache(problem: Problem): Arc {
  const cache = new Map<number, { dist: number; time: number }>();
  const stride = 1 + Math.max(0, ...problem.stops.map((s) => s.location), ...problem.depots.map((d) => d.location));
  return (a, b) => {
    const key = a * stride + b;
    let found = cache.get(key);
    if (!found) cache.set(key, (found = travelBetween(problem.travel, a, b)));
    return found;
  };
}

/**
 * A route of the district problem recomputed the way the validator checks it (capacity, skills,
 * windows, shift, duration), or null when infeasible. Cost as the validator counts it.
 */
export interface RouteEvaluator {
  /** `departure`: when the route leaves the depot (a later trip of a multi-trip shift). Default: the shift's start. */
  evaluate: (vehicle: number, stops: readonly number[], departure?: number) => PlannedRoute | null;
  /** Extra distance of putting stop between positions i-1 and i of a route (depot at both ends). */
  detour: (vehicle: number, stops: readonly number[], i: number, stop: number) => number;
}

export function routeEvaluator(problem: Problem): RouteEvaluator {
  const arc = arcCache(problem);
  const anyWindow = problem.stops.some((s) => s.window);
  const loc = (vehicle: number, stops: readonly number[], i: number): number =>
    i < 0 || i >= stops.length ? problem.depots[problem.vehicles[vehicle]!.depot]!.location : problem.stops[stops[i]!]!.location;
  return {
    evaluate: (vehicle, stops, departure) => evaluateRoute(problem, arc, anyWindow, vehicle, stops, departure),
    detour: (vehicle, stops, i, stop) => {
      const a = loc(vehicle, stops, i - 1);
      const b = loc(vehicle, stops, i);
      const s = problem.stops[stop]!.location;
      return arc(a, s).dist + arc(s, b).dist - arc(a, b).dist;
    },
  };
}

function evaluateRoute(problem: Problem, arc: Arc, anyWindow: boolean, vehicle: number, stops: readonly number[], departure?: number): PlannedRoute | null {
  const v = problem.vehicles[vehicle]!;
  const depot = problem.depots[v.depot]!.location;
  const load = problem.dimensions.map(() => 0);
  const vSkills = v.skills ?? [];
  const t0 = departure ?? v.shift?.[0] ?? 0;
  let t = t0;
  let d = 0;
  let drive = 0;
  let service = 0;
  let timed = Boolean(v.shift);
  let prev = depot;
  const starts: number[] = [];
  for (const si of stops) {
    const s = problem.stops[si]!;
    s.demand.forEach((q, k) => (load[k]! += q));
    for (const skill of s.skills ?? []) if (!vSkills.includes(skill)) return null;
    const leg = arc(prev, s.location);
    d += leg.dist;
    drive += leg.time;
    t = Math.max(t + leg.time, s.window?.[0] ?? -Infinity);
    if (s.window) { timed = true; if (t > s.window[1] + EPS) return null; }
    starts.push(t);
    t += s.serviceTime ?? 0;
    service += s.serviceTime ?? 0;
    prev = s.location;
  }
  const back = arc(prev, depot);
  d += back.dist;
  drive += back.time;
  t += back.time;
  if (load.some((q, k) => q > (v.capacity[k] ?? 0) + EPS)) return null;
  if (v.shift && t > v.shift[1] + EPS) return null;
  // The validator counts waiting only when some window or shift exists anywhere in the problem.
  const duration = timed || anyWindow ? t - t0 : drive + service;
  if (v.maxDuration !== undefined && duration > v.maxDuration + EPS) return null;
  const cost = stops.length ? (v.fixedCost ?? 0) + (v.costPerDistance ?? 1) * d + ((v.costPerHour ?? 0) / 3600) * drive : 0;
  return {
    vehicle, stops: [...stops], distance: stops.length ? d : 0, duration: stops.length ? duration : 0, cost, load, starts,
    ...(departure !== undefined ? { departure } : {}),
  };
}
