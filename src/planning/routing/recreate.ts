import type { Instance } from '../model/instance';
import { canTake, cloneRoute, timeFits } from './route';
import type { Rng } from './rng';
import { commitRoute, type RoutingSolution } from './solution-state';

/** Per-node keys used to order the stops to re-insert (SISR: random, demand, far, close). */
export interface InsertionKeys {
  demand: Float64Array;
  depotDistance: Float64Array;
}

export function insertionKeys(inst: Instance): InsertionKeys {
  const demand = new Float64Array(inst.n);
  const depotDistance = new Float64Array(inst.n);
  const cap = inst.vehicles[0]?.cap;
  for (let c = inst.nDepots; c < inst.n; c++) {
    for (let d = 0; d < inst.dims; d++) demand[c]! += inst.demand[c * inst.dims + d]! / Math.max(1e-9, cap?.[d] ?? 1);
    depotDistance[c] = inst.dist[c]!; // depot 0 is the reference for multi-depot problems
  }
  return { demand, depotDistance };
}

/** SISR order weights: random 4, largest demand 4, farthest 2, closest 1; priority always first. */
export function sortAbsent(inst: Instance, absent: number[], keys: InsertionKeys, rng: Rng): void {
  const pick = rng() * 11;
  const key = new Map<number, number>();
  for (const c of absent) {
    const k = pick < 4 ? rng() : pick < 8 ? -keys.demand[c]! : pick < 10 ? -keys.depotDistance[c]! : keys.depotDistance[c]!;
    key.set(c, k);
  }
  absent.sort((a, b) => inst.priority[a]! - inst.priority[b]! || key.get(a)! - key.get(b)!);
}

/**
 * Greedy insertion with blinks (each position skipped with probability `blink`): every absent
 * stop goes where it costs least among feasible positions; stops with no feasible place stay
 * absent. Routes in `touched` were already copied; others are copied before being changed.
 */
export function recreate(inst: Instance, s: RoutingSolution, rng: Rng, blink: number, touched: Uint8Array): void {
  const { n } = inst;
  const classSeen = new Uint8Array(inst.vehicles.length);
  const left: number[] = [];
  for (const c of s.absent) {
    let best = Infinity;
    let bestV = -1;
    let bestP = -1;
    classSeen.fill(0);
    for (let v = 0; v < s.routes.length; v++) {
      const r = s.routes[v]!;
      const veh = inst.vehicles[v]!;
      const nodes = r.nodes;
      const len = nodes.length;
      if (!len) {
        if (classSeen[veh.klass]) continue;
        classSeen[veh.klass] = 1;
      }
      if (!canTake(inst, r, c)) continue;
      const C = veh.cost;
      let prev = veh.depot;
      const base = len ? 0 : veh.fixed;
      for (let p = 0; p <= len; p++) {
        const next = p < len ? nodes[p]! : veh.depot;
        if (blink > 0 && rng() < blink) {
          prev = next;
          continue;
        }
        const delta = base + C[prev * n + c]! + C[c * n + next]! - C[prev * n + next]!;
        if (delta < best && timeFits(inst, r, p, c)) {
          best = delta;
          bestV = v;
          bestP = p;
        }
        prev = next;
      }
    }
    if (bestV < 0) {
      left.push(c);
      continue;
    }
    if (!touched[bestV]) {
      s.routes[bestV] = cloneRoute(s.routes[bestV]!);
      touched[bestV] = 1;
    }
    const r = s.routes[bestV]!;
    r.nodes.splice(bestP, 0, c);
    commitRoute(inst, s, r);
  }
  s.absent = left;
}
