import type { Problem } from '../model/problem.types';
import { centroid, dist2, locator, type XY } from './geometry';

/** A route of the current plan, in problem indices. */
export interface PlanRoute { vehicle: number; stops: readonly number[] }

/** Routes (indices into the plan) re-optimised together, and unserved stops offered to them. */
export interface RouteGroup { routes: number[]; extra: number[] }

/**
 * Groups nearby routes of a plan into pieces of about `groupStops` stops: per depot, routes in
 * the order of their centre's angle around the depot (routes leave a depot like petals), cut into
 * consecutive runs. `turn` rotates where the cuts fall (by a golden-ratio share of a group), so
 * each round's borders differ from the last and no pair of routes stays apart for ever.
 * Unserved stops go to the group with the nearest centre. Every route is in exactly one group.
 */
export function groupRoutes(problem: Problem, routes: readonly PlanRoute[], unserved: readonly number[], groupStops: number, turn: number): RouteGroup[] {
  const at = locator(problem);
  if (!at) throw new RangeError('route groups need coordinates (geo or euclid travel)');
  const xy = (stop: number): XY => at(problem.stops[stop]!.location);
  const groups: RouteGroup[] = [];
  const byDepot = new Map<number, number[]>();
  routes.forEach((r, i) => {
    if (!r.stops.length) return;
    const d = problem.vehicles[r.vehicle]!.depot;
    byDepot.set(d, [...(byDepot.get(d) ?? []), i]);
  });
  for (const d of [...byDepot.keys()].sort((a, b) => a - b)) {
    const pivot = at(problem.depots[d]!.location);
    const angle = new Map(byDepot.get(d)!.map((i) => {
      const c = centroid(routes[i]!.stops.map(xy));
      return [i, Math.atan2(c.y - pivot.y, c.x - pivot.x)] as const;
    }));
    const order = [...angle.keys()].sort((a, b) => angle.get(a)! - angle.get(b)! || a - b);
    const total = order.reduce((s, i) => s + routes[i]!.stops.length, 0);
    const size = Math.max(1, Math.min(groupStops, total));
    // rotate the circle so the first cut lands `shift` stops into it
    const shift = Math.floor(((turn * 0.6180339887) % 1) * size);
    let skipped = 0;
    let first = 0;
    while (first < order.length - 1 && skipped + routes[order[first]!]!.stops.length <= shift) skipped += routes[order[first++]!]!.stops.length;
    const rotated = [...order.slice(first), ...order.slice(0, first)];
    const count = Math.max(1, Math.round(total / size));
    let current: number[] = [];
    let filled = 0;
    let made = 0;
    for (const i of rotated) {
      current.push(i);
      filled += routes[i]!.stops.length;
      if (made < count - 1 && filled >= ((made + 1) * total) / count) {
        groups.push({ routes: current, extra: [] });
        current = [];
        made++;
      }
    }
    if (current.length) groups.push({ routes: current, extra: [] });
  }
  if (unserved.length && groups.length) {
    const centres = groups.map((g) => centroid(g.routes.flatMap((i) => routes[i]!.stops.map(xy))));
    for (const s of unserved) {
      const p = xy(s);
      let best = 0;
      for (let g = 1; g < centres.length; g++) if (dist2(centres[g]!, p) < dist2(centres[best]!, p)) best = g;
      groups[best]!.extra.push(s);
    }
  } else if (unserved.length) groups.push({ routes: [], extra: [...unserved] });
  return groups;
}
