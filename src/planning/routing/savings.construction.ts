import type { Instance } from '../model/instance';
import { sequenceCost } from './route';
import { commitRoute, emptySolution, type RoutingSolution } from './solution-state';

/**
 * Clarke-Wright savings (parallel version) for the first vehicle's class, then each merged route
 * is given to the first free vehicle that can run it. Stops left over stay absent for insertion.
 */
export function savingsConstruction(inst: Instance, stops: readonly number[], neighbours: readonly Int32Array[]): RoutingSolution {
  const sol = emptySolution(inst, []);
  const veh = inst.vehicles[0];
  if (!veh) return { ...sol, absent: [...stops] };
  const { n } = inst;
  const C = veh.cost;
  const d = veh.depot;
  const routeOf = new Map<number, number[]>();
  for (const c of stops) routeOf.set(c, [c]);
  const pairs: { i: number; j: number; s: number }[] = [];
  // only near pairs: the savings of far pairs are small, and this keeps big problems fast
  const inPlay = new Set(stops);
  for (const i of stops) for (const j of neighbours[i]!) {
    if (i >= j || !inPlay.has(j)) continue;
    const s = C[i * n + d]! + C[d * n + j]! - C[i * n + j]!;
    if (s > 0) pairs.push({ i, j, s });
  }
  pairs.sort((x, y) => y.s - x.s || x.i - y.i || x.j - y.j);
  for (const { i, j } of pairs) {
    const ri = routeOf.get(i)!;
    const rj = routeOf.get(j)!;
    if (ri === rj) continue;
    // join at the ends only: i must end its route and j start its own (or reversed roles)
    let merged: number[] | null = null;
    if (ri[ri.length - 1] === i && rj[0] === j) merged = [...ri, ...rj];
    else if (rj[rj.length - 1] === j && ri[0] === i) merged = [...rj, ...ri];
    else if (ri[0] === i && rj[0] === j) merged = [...ri.slice().reverse(), ...rj];
    else if (ri[ri.length - 1] === i && rj[rj.length - 1] === j) merged = [...ri, ...rj.slice().reverse()];
    if (!merged || sequenceCost(inst, 0, merged) === Infinity) continue;
    for (const c of merged) routeOf.set(c, merged);
  }
  const routes = [...new Set(routeOf.values())].sort((x, y) => y.length - x.length);
  const free = new Set(inst.vehicles.map((_, v) => v));
  for (const seq of routes) {
    const v = [...free].find((w) => sequenceCost(inst, w, seq) < Infinity);
    if (v === undefined) {
      sol.absent.push(...seq);
      continue;
    }
    free.delete(v);
    const r = sol.routes[v]!;
    r.nodes = seq;
    commitRoute(inst, sol, r);
  }
  return sol;
}
