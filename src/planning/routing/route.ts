import type { Instance } from '../model/instance';

/**
 * One vehicle's trip with the caches that make insertion checks O(1):
 * load per dimension, cost, duration, and (when the instance is timed) the start of service at
 * each position and the latest start that keeps the rest of the route feasible.
 */
export interface Route {
  v: number;
  nodes: number[];
  load: number[];
  cost: number;
  /** Travel + service; when timed, return time minus shift start (waiting included). */
  dur: number;
  start: number[];
  /** latest[p] = latest start of service at position p (latest[len] = latest return to the depot). */
  latest: number[];
}

const EPS = 1e-9;

export function emptyRoute(inst: Instance, v: number): Route {
  const r: Route = { v, nodes: [], load: new Array<number>(inst.dims).fill(0), cost: 0, dur: 0, start: [], latest: [] };
  refreshRoute(inst, r);
  return r;
}

export function cloneRoute(r: Route): Route {
  return { v: r.v, nodes: r.nodes.slice(), load: r.load.slice(), cost: r.cost, dur: r.dur, start: r.start.slice(), latest: r.latest.slice() };
}

/** Recomputes every cache of a route after its nodes changed. */
export function refreshRoute(inst: Instance, r: Route): void {
  const veh = inst.vehicles[r.v]!;
  const { n, dims, demand, time, service } = inst;
  const nodes = r.nodes;
  const len = nodes.length;
  r.load.fill(0);
  let cost = len ? veh.fixed : 0;
  let travel = 0;
  let prev = veh.depot;
  for (let p = 0; p < len; p++) {
    const c = nodes[p]!;
    for (let d = 0; d < dims; d++) r.load[d]! += demand[c * dims + d]!;
    cost += veh.cost[prev * n + c]!;
    travel += time[prev * n + c]! + service[c]!;
    prev = c;
  }
  if (len) {
    cost += veh.cost[prev * n + veh.depot]!;
    travel += time[prev * n + veh.depot]!;
  }
  r.cost = cost;
  r.dur = travel;
  if (!inst.timed) return;
  r.start.length = len;
  r.latest.length = len + 1;
  let t = veh.start;
  prev = veh.depot;
  for (let p = 0; p < len; p++) {
    const c = nodes[p]!;
    t = Math.max(t + time[prev * n + c]!, inst.twStart[c]!);
    r.start[p] = t;
    t += service[c]!;
    prev = c;
  }
  if (len) r.dur = t + time[prev * n + veh.depot]! - veh.start;
  let late = Math.min(veh.end, veh.start + veh.maxDuration);
  r.latest[len] = late;
  let next = veh.depot;
  for (let p = len - 1; p >= 0; p--) {
    const c = nodes[p]!;
    late = Math.min(inst.twEnd[c]!, late - time[c * n + next]! - service[c]!);
    r.latest[p] = late;
    next = c;
  }
}

/** Capacity and skills: can the route take node c at all? */
export function canTake(inst: Instance, r: Route, c: number): boolean {
  const veh = inst.vehicles[r.v]!;
  if ((inst.skills[c]! & ~veh.skills) !== 0) return false;
  const { dims, demand } = inst;
  for (let d = 0; d < dims; d++) if (r.load[d]! + demand[c * dims + d]! > veh.cap[d]! + EPS) return false;
  return true;
}

/** Time and duration feasibility of inserting c before position p (between p-1 and p), in O(1). */
export function timeFits(inst: Instance, r: Route, p: number, c: number): boolean {
  const veh = inst.vehicles[r.v]!;
  const { n, time, service } = inst;
  const nodes = r.nodes;
  const prev = p === 0 ? veh.depot : nodes[p - 1]!;
  const next = p === nodes.length ? veh.depot : nodes[p]!;
  if (!inst.timed) {
    if (!inst.limited) return true;
    const added = time[prev * n + c]! + service[c]! + time[c * n + next]! - time[prev * n + next]!;
    return r.dur + added <= veh.maxDuration + EPS;
  }
  const leave = p === 0 ? veh.start : r.start[p - 1]! + service[prev]!;
  const s = Math.max(leave + time[prev * n + c]!, inst.twStart[c]!);
  if (s > inst.twEnd[c]! + EPS) return false;
  return s + service[c]! + time[c * n + next]! <= r.latest[p]! + EPS;
}

/**
 * Cost of a whole node sequence on vehicle v, or Infinity when it breaks capacity, skills,
 * windows, shift or duration. O(length): used to check moves that rebuild routes.
 */
export function sequenceCost(inst: Instance, v: number, nodes: readonly number[]): number {
  const veh = inst.vehicles[v]!;
  const len = nodes.length;
  if (!len) return 0;
  const { n, dims, demand, time, service } = inst;
  let cost = veh.fixed;
  let t = veh.start;
  let travel = 0;
  let prev = veh.depot;
  for (let d = 0; d < dims; d++) {
    let load = 0;
    for (let p = 0; p < len; p++) load += demand[nodes[p]! * dims + d]!;
    if (load > veh.cap[d]! + EPS) return Infinity;
  }
  for (let p = 0; p < len; p++) {
    const c = nodes[p]!;
    if ((inst.skills[c]! & ~veh.skills) !== 0) return Infinity;
    cost += veh.cost[prev * n + c]!;
    travel += time[prev * n + c]! + service[c]!;
    if (inst.timed) {
      t = Math.max(t + time[prev * n + c]!, inst.twStart[c]!);
      if (t > inst.twEnd[c]! + EPS) return Infinity;
      t += service[c]!;
    }
    prev = c;
  }
  cost += veh.cost[prev * n + veh.depot]!;
  travel += time[prev * n + veh.depot]!;
  const dur = inst.timed ? t + time[prev * n + veh.depot]! - veh.start : travel;
  if (dur > veh.maxDuration + EPS || veh.start + dur > veh.end + EPS) return Infinity;
  return cost;
}
