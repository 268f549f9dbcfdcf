import type { Instance } from '../model/instance';
import { cheapestInsertion } from './recreate';
import { canTake, timeFits, type Route } from './route';
import { commitRoute, type RoutingSolution } from './solution-state';

/**
 * Greedy insertion for a first solution in O(n * (k + route length)) instead of O(n^2): each stop
 * of `s.absent`, in that order, goes where it costs least among the positions next to (just before
 * or just after) its `k` nearest stops already routed, and a new route on the first empty vehicle of
 * each class. A stop none of those can take falls back to the full scan of every position of every
 * route (recreate's), so a stop is only left absent when nothing at all could take it at that
 * point, as with the full greedy. Early on few neighbours are routed, but then few positions exist
 * and the full scans are short. The solution must own its routes; it is changed in place.
 */
export function granularInsertion(inst: Instance, s: RoutingSolution, adj: readonly Int32Array[], k: number): void {
  const pos = new Int32Array(inst.n).fill(-1);
  for (const r of s.routes) r.nodes.forEach((c, p) => (pos[c] = p));
  const empties = emptyVehicles(inst, s);
  // canTake per route, once per stop: stamp[v] = the stop it was checked for
  const stamp = new Int32Array(s.routes.length).fill(-1);
  const takes = new Uint8Array(s.routes.length);
  const best = { delta: Infinity, v: -1, p: -1 };
  const left: number[] = [];
  for (const c of s.absent) {
    best.delta = Infinity;
    best.v = -1;
    const near = adj[c]!;
    for (let t = 0; t < k && t < near.length; t++) {
      const j = near[t]!;
      const v = s.routeOf[j]!;
      if (v < 0) continue;
      const r = s.routes[v]!;
      if (stamp[v] !== c) {
        stamp[v] = c;
        takes[v] = canTake(inst, r, c) ? 1 : 0;
      }
      if (!takes[v]) continue;
      tryPosition(inst, r, pos[j]!, c, best);
      tryPosition(inst, r, pos[j]! + 1, c, best);
    }
    for (const v of empties.next()) if (canTake(inst, s.routes[v]!, c)) tryPosition(inst, s.routes[v]!, 0, c, best);
    const at = best.v >= 0 ? best : cheapestInsertion(inst, s, c);
    if (at.v < 0) {
      left.push(c);
      continue;
    }
    const r = s.routes[at.v]!;
    r.nodes.splice(at.p, 0, c);
    commitRoute(inst, s, r);
    for (let p = at.p; p < r.nodes.length; p++) pos[r.nodes[p]!] = p;
  }
  s.absent = left;
}

/** Inserting c before position p of r (between p-1 and p): keeps it in `best` when cheaper and feasible. */
function tryPosition(inst: Instance, r: Route, p: number, c: number, best: { delta: number; v: number; p: number }): void {
  const veh = inst.vehicles[r.v]!;
  const nodes = r.nodes;
  const prev = p === 0 ? veh.depot : nodes[p - 1]!;
  const next = p === nodes.length ? veh.depot : nodes[p]!;
  const C = veh.cost;
  const n = inst.n;
  const delta = (nodes.length ? 0 : veh.fixed) + C[prev * n + c]! + C[c * n + next]! - C[prev * n + next]!;
  if (delta < best.delta && timeFits(inst, r, p, c)) {
    best.delta = delta;
    best.v = r.v;
    best.p = p;
  }
}

/**
 * The first empty vehicle of each class (lowest index, as the full scan tries them). Routes only
 * fill up during construction, so each class's cursor only moves forward: O(vehicles) in all.
 */
function emptyVehicles(inst: Instance, s: RoutingSolution): { next(): readonly number[] } {
  const byClass: number[][] = [];
  inst.vehicles.forEach((veh, v) => (byClass[veh.klass] ??= []).push(v));
  const cursor = byClass.map(() => 0);
  const firsts: number[] = [];
  return {
    next() {
      firsts.length = 0;
      byClass.forEach((list, klass) => {
        let i = cursor[klass]!;
        while (i < list.length && s.routes[list[i]!]!.nodes.length) i++;
        cursor[klass] = i;
        if (i < list.length) firsts.push(list[i]!);
      });
      return firsts;
    },
  };
}
