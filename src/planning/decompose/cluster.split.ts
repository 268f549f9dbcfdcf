import type { Problem } from '../model/problem.types';
import { centroid, dist2, locator, type XY } from './geometry';

export interface Piece { group: string; stops: number[]; centre: XY }

/**
 * Cuts the stops into geographically compact pieces of at most maxStops: one per group
 * (community), a larger group cut by angular sweep around its nearest depot into equal slices,
 * so each slice is a wedge routes leave the depot into.
 */
export function splitStops(problem: Problem, group: readonly string[], maxStops: number): Piece[] {
  if (group.length !== problem.stops.length) throw new RangeError(`group has ${group.length} keys for ${problem.stops.length} stops`);
  if (maxStops < 1) throw new RangeError('maxStops must be at least 1');
  const at = locator(problem);
  const xy = (stop: number): XY => (at ? at(problem.stops[stop]!.location) : { x: stop, y: 0 });
  const byGroup = new Map<string, number[]>();
  group.forEach((g, i) => {
    const list = byGroup.get(g);
    if (list) list.push(i);
    else byGroup.set(g, [i]);
  });
  const depots = problem.depots.map((d) => (at ? at(d.location) : { x: 0, y: 0 }));
  const pieces: Piece[] = [];
  for (const g of [...byGroup.keys()].sort()) {
    const stops = byGroup.get(g)!;
    const centre = centroid(stops.map(xy));
    if (stops.length <= maxStops) {
      pieces.push({ group: g, stops, centre });
      continue;
    }
    const depot = nearest(depots, centre) ?? centre;
    // Pivot inside the group (depot in the middle of it): sweep around the centre instead.
    const pivot = dist2(depot, centre) < 1e-9 ? centre : depot;
    for (const slice of sweep(stops, xy, pivot, Math.ceil(stops.length / maxStops))) {
      pieces.push({ group: g, stops: slice, centre: centroid(slice.map(xy)) });
    }
  }
  return pieces;
}

function nearest(points: readonly XY[], to: XY): XY | undefined {
  let best: XY | undefined;
  for (const p of points) if (!best || dist2(p, to) < dist2(best, to)) best = p;
  return best;
}

/** Equal-sized slices by angle around the pivot, starting at the widest angular gap (no wedge straddles it). */
function sweep(stops: readonly number[], xy: (s: number) => XY, pivot: XY, k: number): number[][] {
  const withAngle = stops.map((s) => {
    const p = xy(s);
    return { s, a: Math.atan2(p.y - pivot.y, p.x - pivot.x), r: dist2(p, pivot) };
  });
  withAngle.sort((a, b) => a.a - b.a || a.r - b.r || a.s - b.s);
  let cut = 0;
  let widest = -1;
  for (let i = 0; i < withAngle.length; i++) {
    const next = withAngle[(i + 1) % withAngle.length]!.a + (i + 1 === withAngle.length ? 2 * Math.PI : 0);
    const gap = next - withAngle[i]!.a;
    if (gap > widest) { widest = gap; cut = (i + 1) % withAngle.length; }
  }
  const ordered = [...withAngle.slice(cut), ...withAngle.slice(0, cut)].map((e) => e.s);
  const slices: number[][] = [];
  for (let j = 0; j < k; j++) {
    const from = Math.round((j * ordered.length) / k);
    const to = Math.round(((j + 1) * ordered.length) / k);
    if (to > from) slices.push(ordered.slice(from, to));
  }
  return slices;
}
