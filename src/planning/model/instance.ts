import type { Problem, UnservedReason } from './problem.types';
import { buildMatrices, travelBetween } from './travel.matrix';

/** A vehicle compiled for the hot loop. */
export interface VehicleData {
  depot: number;
  cap: Float64Array;
  start: number;
  end: number;
  maxDuration: number;
  fixed: number;
  /** Arc cost matrix (costPerDistance * dist + costPerHour * time), shared by vehicles with equal rates. */
  cost: Float64Array;
  /** The cost matrix reads the same both ways (cost[i * n + j] = cost[j * n + i]). */
  symmetric: boolean;
  skills: number;
  /** Vehicles with the same class are interchangeable: the search tries one empty vehicle per class. */
  klass: number;
}

/**
 * The dense, index-based form of a Problem. Nodes 0..nDepots-1 are depots, then stop s is node
 * nDepots + s. Matrices are n x n over nodes.
 */
export interface Instance {
  nDepots: number;
  nStops: number;
  n: number;
  dims: number;
  dist: Float64Array;
  time: Float64Array;
  /** demand[node * dims + d]; zero for depots. */
  demand: Float64Array;
  service: Float64Array;
  twStart: Float64Array;
  twEnd: Float64Array;
  priority: Uint8Array;
  skills: Int32Array;
  vehicles: VehicleData[];
  /** Any window, shift or waiting to care about: enables time propagation in the checks. */
  timed: boolean;
  /** Any finite duration limit. */
  limited: boolean;
  minRoutes: number;
}

export function compile(problem: Problem): Instance {
  const dims = problem.dimensions.length;
  const nDepots = problem.depots.length;
  const nStops = problem.stops.length;
  const n = nDepots + nStops;
  const locations = [...problem.depots.map((d) => d.location), ...problem.stops.map((s) => s.location)];
  const m = buildMatrices(problem.travel, locations);
  // An open depot (Depot.end): every arc into its node leads to where its routes end.
  problem.depots.forEach((depot, d) => {
    if (depot.end === undefined || depot.end === depot.location) return;
    locations.forEach((from, i) => {
      const arc = travelBetween(problem.travel, from, depot.end!);
      m.dist[i * n + d] = arc.dist;
      m.time[i * n + d] = arc.time;
    });
  });
  const skillBits = new Map<string, number>();
  const mask = (names: readonly string[] | undefined): number => {
    let bits = 0;
    for (const name of names ?? []) {
      if (!skillBits.has(name)) {
        if (skillBits.size >= 31) throw new RangeError('at most 31 distinct skills are supported');
        skillBits.set(name, 1 << skillBits.size);
      }
      bits |= skillBits.get(name)!;
    }
    return bits;
  };
  const demand = new Float64Array(n * dims);
  const service = new Float64Array(n);
  const twStart = new Float64Array(n).fill(-Infinity);
  const twEnd = new Float64Array(n).fill(Infinity);
  const priority = new Uint8Array(n).fill(3);
  const skills = new Int32Array(n);
  let timed = false;
  problem.stops.forEach((s, i) => {
    const node = nDepots + i;
    if (s.demand.length !== dims) throw new RangeError(`stop ${s.id}: demand has ${s.demand.length} values, expected ${dims}`);
    s.demand.forEach((q, d) => (demand[node * dims + d] = q));
    service[node] = s.serviceTime ?? 0;
    if (s.window) {
      twStart[node] = s.window[0];
      twEnd[node] = s.window[1];
      timed = true;
    }
    priority[node] = s.priority ?? 3;
    skills[node] = mask(s.skills);
  });
  const costCache = new Map<string, { cost: Float64Array; symmetric: boolean }>();
  const classes = new Map<string, number>();
  let limited = false;
  const vehicles = problem.vehicles.map((v): VehicleData => {
    if (v.capacity.length !== dims) throw new RangeError(`vehicle ${v.id}: capacity has ${v.capacity.length} values, expected ${dims}`);
    if (v.depot < 0 || v.depot >= nDepots) throw new RangeError(`vehicle ${v.id}: no depot ${v.depot}`);
    const perDist = v.costPerDistance ?? 1;
    const perSec = (v.costPerHour ?? 0) / 3600;
    const key = `${perDist}/${perSec}`;
    let matrix = costCache.get(key);
    if (!matrix) {
      const cost = perDist === 1 && perSec === 0 ? m.dist : arcCosts(m.dist, m.time, perDist, perSec);
      matrix = { cost, symmetric: isSymmetric(cost, n) };
      costCache.set(key, matrix);
    }
    const { cost, symmetric } = matrix;
    if (v.shift) timed = true;
    const maxDuration = v.maxDuration ?? Infinity;
    if (maxDuration < Infinity) limited = true;
    const data = {
      depot: v.depot, cap: Float64Array.from(v.capacity), start: v.shift?.[0] ?? 0, end: v.shift?.[1] ?? Infinity,
      maxDuration, fixed: v.fixedCost ?? 0, cost, symmetric, skills: mask(v.skills), klass: 0,
    };
    const classKey = JSON.stringify([data.depot, v.capacity, data.start, data.end, maxDuration, data.fixed, key, data.skills]);
    if (!classes.has(classKey)) classes.set(classKey, classes.size);
    data.klass = classes.get(classKey)!;
    return data;
  });
  return {
    nDepots, nStops, n, dims, dist: m.dist, time: m.time, demand, service, twStart, twEnd, priority, skills, vehicles,
    timed, limited, minRoutes: problem.minRoutes ?? 0,
  };
}

function isSymmetric(cost: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (cost[i * n + j] !== cost[j * n + i]) return false;
  return true;
}

/** perDist * dist + perSec * time, entry by entry: a plain loop, several times faster than a typed array's map with a callback. */
function arcCosts(dist: Float64Array, time: Float64Array, perDist: number, perSec: number): Float64Array {
  const cost = new Float64Array(dist.length);
  for (let i = 0; i < dist.length; i++) cost[i] = perDist * dist[i]! + perSec * time[i]!;
  return cost;
}

/** Why no vehicle could ever serve this stop on its own, or null if one can (depot -> stop -> depot). */
export function unservableReason(inst: Instance, node: number): UnservedReason | null {
  const { dims, demand, n } = inst;
  let skilled = false;
  let fits = false;
  for (const v of inst.vehicles) {
    if ((inst.skills[node]! & ~v.skills) !== 0) continue;
    skilled = true;
    let ok = true;
    for (let d = 0; d < dims; d++) if (demand[node * dims + d]! > v.cap[d]! + 1e-9) ok = false;
    if (!ok) continue;
    fits = true;
    const arrive = Math.max(v.start + inst.time[v.depot * n + node]!, inst.twStart[node]!);
    const back = arrive + inst.service[node]! + inst.time[node * n + v.depot]!;
    if (arrive <= inst.twEnd[node]! + 1e-9 && back <= v.end + 1e-9 && back - v.start <= v.maxDuration + 1e-9) return null;
  }
  if (!skilled) return 'no-vehicle-with-skills';
  return fits ? 'time-window-unreachable' : 'demand-exceeds-capacity';
}
