import type { Problem, Solution } from '../model/problem.types';
import { arcCache } from '../model/travel.matrix';
import { checkCollectionRoutes } from './collection.validate';
import { crosses } from '../routing/trips.assign';

/**
 * The rule a violation breaks, for callers that must name it (a refused plan change): `capacity:<dimension>`,
 * `skill:<skill>`, `time-window`, `shift`, `duration`, `trips` (too many, or overlapping), `coverage`
 * (a stop served twice or not accounted for), `min-routes`, `plan` (a route naming what the problem lacks);
 * for collections also `unload`, `site-hours` and `site-capacity:<dimension>` (collection.validate.ts).
 */
export interface Violation {
  rule: string;
  message: string;
  /** Index into solution.routes, when the violation is on one route. */
  route?: number;
  /** Index into problem.stops, when the violation is on one stop. */
  stop?: number;
}

export interface ValidationReport {
  ok: boolean;
  violations: string[];
  /** The same violations with the rule each breaks (same order as `violations`). */
  issues: Violation[];
  /** Recomputed from the problem, not taken from the solution. */
  cost: number;
  distance: number;
}

const EPS = 1e-6;

/**
 * Checks a solution against its problem independently of the search code: every stop served
 * exactly once or listed unserved, capacity per dimension, skills, windows, shifts, duration,
 * vehicle use and route count. Recomputes cost and distance.
 */
export function validateSolution(problem: Problem, solution: Solution): ValidationReport {
  const violations: string[] = [];
  const issues: Violation[] = [];
  const add = (rule: string, message: string, where: { route?: number; stop?: number } = {}): void => {
    violations.push(message);
    issues.push({ rule, message, ...where });
  };
  const arc = arcCache(problem.travel);
  const seen = new Array<number>(problem.stops.length).fill(0);
  const trips = new Array<number>(problem.vehicles.length).fill(0);
  // Time each vehicle is away from the depot, per trip: its trips must not overlap.
  const busy = problem.vehicles.map((): { from: number; to: number; name: string; route: number }[] => []);
  let cost = 0;
  let distance = 0;
  if (problem.sites) ({ cost, distance } = checkCollectionRoutes(problem, solution, add, seen, arc));
  else solution.routes.forEach((route, ri) => {
    const name = `route ${ri + 1}`;
    const v = problem.vehicles[route.vehicle];
    if (!v) return void add('plan', `${name}: unknown vehicle ${route.vehicle}`, { route: ri });
    if (++trips[route.vehicle]! > (v.maxTrips ?? 1)) add('trips', `${name}: vehicle ${v.id} used more than ${v.maxTrips ?? 1} time(s)`, { route: ri });
    const depot = problem.depots[v.depot];
    if (!depot) return void add('plan', `${name}: vehicle ${v.id} has no depot ${v.depot}`, { route: ri });
    if (!route.stops.length) return;
    const load = problem.dimensions.map(() => 0);
    const vSkills = new Set(v.skills ?? []);
    let t = route.departure ?? v.shift?.[0] ?? 0;
    if (v.shift && t < v.shift[0] - EPS) add('shift', `${name}: leaves at ${t}, before the shift starts at ${v.shift[0]}`, { route: ri });
    const t0 = t;
    let d = 0;
    let travel = 0;
    let prev = depot.location;
    for (const si of route.stops) {
      const s = problem.stops[si];
      if (!s) { add('plan', `${name}: unknown stop ${si}`, { route: ri }); continue; }
      seen[si]!++;
      s.demand.forEach((q, k) => (load[k]! += q));
      for (const skill of s.skills ?? []) if (!vSkills.has(skill)) add(`skill:${skill}`, `${name}: stop ${s.id} needs skill ${skill}`, { route: ri, stop: si });
      const leg = arc(prev, s.location);
      d += leg.dist;
      travel += leg.time;
      t = Math.max(t + leg.time, s.window?.[0] ?? -Infinity);
      if (s.window && t > s.window[1] + EPS) add('time-window', `${name}: stop ${s.id} served at ${t}, after its window ends at ${s.window[1]}`, { route: ri, stop: si });
      t += s.serviceTime ?? 0;
      travel += s.serviceTime ?? 0;
      prev = s.location;
    }
    d += arc(prev, depot.end ?? depot.location).dist;
    const back = arc(prev, depot.end ?? depot.location).time;
    t += back;
    travel += back;
    load.forEach((q, k) => {
      if (q > (v.capacity[k] ?? 0) + EPS) add(`capacity:${problem.dimensions[k]}`, `${name}: ${problem.dimensions[k]} load ${q} exceeds capacity ${v.capacity[k]}`, { route: ri });
    });
    if (v.shift && t > v.shift[1] + EPS) add('shift', `${name}: returns at ${t}, after the shift ends at ${v.shift[1]}`, { route: ri });
    const pause = v.pauses?.find(([a, b]) => crosses(t0, t, a, b));
    if (pause) add('shift', `${name}: on the road from ${t0} to ${t}, across the vehicle's pause ${pause[0]}-${pause[1]} (a shift change or nobody on shift)`, { route: ri });
    const duration = problem.stops.some((s) => s.window) || v.shift ? t - t0 : travel;
    if (v.maxDuration !== undefined && duration > v.maxDuration + EPS) add('duration', `${name}: duration ${duration} exceeds ${v.maxDuration}`, { route: ri });
    busy[route.vehicle]!.push({ from: t0, to: t, name, route: ri });
    distance += d;
    cost += (v.fixedCost ?? 0) + (v.costPerDistance ?? 1) * d + ((v.costPerHour ?? 0) / 3600) * (travel - serviceOf(problem, route.stops));
  });
  busy.forEach((spans, vi) => {
    const reload = problem.vehicles[vi]!.reloadTime ?? 0;
    spans.sort((a, b) => a.from - b.from);
    for (let i = 1; i < spans.length; i++) {
      const [a, b] = [spans[i - 1]!, spans[i]!];
      if (b.from < a.to + reload - EPS) add('trips', `${b.name}: vehicle ${problem.vehicles[vi]!.id} leaves at ${b.from}, before ${a.name} is back and reloaded (${a.to + reload})`, { route: b.route });
    }
  });
  for (const u of solution.unserved) {
    if (!problem.stops[u.stop]) add('plan', `unserved: unknown stop ${u.stop}`);
    else seen[u.stop]!++;
    if (!u.reason) add('coverage', `unserved stop ${u.stop} has no reason`, { stop: u.stop });
  }
  seen.forEach((count, i) => {
    if (count !== 1) add('coverage', `stop ${problem.stops[i]!.id} appears ${count} times (expected once, served or unserved)`, { stop: i });
  });
  const used = solution.routes.filter((r) => r.stops.length).length;
  const served = solution.routes.reduce((sum, r) => sum + r.stops.length, 0);
  if (problem.minRoutes && used < Math.min(problem.minRoutes, served) && !solution.unserved.length) {
    add('min-routes', `${used} routes used, at least ${problem.minRoutes} required`);
  }
  return { ok: violations.length === 0, violations, issues, cost, distance };
}

function serviceOf(problem: Problem, stops: readonly number[]): number {
  return stops.reduce((sum, i) => sum + (problem.stops[i]?.serviceTime ?? 0), 0);
}
