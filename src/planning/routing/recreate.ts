import type { Instance } from '../model/instance';
import { canTake, cloneRoute, timeFits, type Route } from './route';
import type { Rng } from './rng';
import { commitRoute, type RoutingSolution } from './solution-state';

/** Per-node keys used to order the stops to re-insert (SISR: random, demand, far, close). */
export interface InsertionKeys {
  demand: Float64Array;
  depotDistance: Float64Array;
  /** Sort keys of the current call (reused to spare allocations). */
  scratch: Float64Array;
}

export function insertionKeys(inst: Instance): InsertionKeys {
  const demand = new Float64Array(inst.n);
  const depotDistance = new Float64Array(inst.n);
  const cap = inst.vehicles[0]?.cap;
  for (let c = inst.nDepots; c < inst.n; c++) {
    for (let d = 0; d < inst.dims; d++) demand[c]! += inst.demand[c * inst.dims + d]! / Math.max(1e-9, cap?.[d] ?? 1);
    depotDistance[c] = inst.dist[c]!; // depot 0 is the reference for multi-depot problems
  }
  return { demand, depotDistance, scratch: new Float64Array(inst.n) };
}

/** SISR order weights: random 4, largest demand 4, farthest 2, closest 1; priority always first. */
export function sortAbsent(inst: Instance, absent: number[], keys: InsertionKeys, rng: Rng): void {
  const pick = rng() * 11;
  const key = keys.scratch;
  for (const c of absent) {
    key[c] = pick < 4 ? rng() : pick < 8 ? -keys.demand[c]! : pick < 10 ? -keys.depotDistance[c]! : keys.depotDistance[c]!;
  }
  absent.sort((a, b) => inst.priority[a]! - inst.priority[b]! || key[a]! - key[b]!);
}

/** Options of `recreate`: blink rate, and the granular route filter. */
export interface RecreateOptions {
  /** Probability of skipping each insertion position (SISR blinks). */
  blink: number;
  /**
   * Nearest stops per node: when given, a stop is first tried only in the routes of its `near`
   * nearest stops (and one empty vehicle per class); all routes only if none of those fits.
   */
  adj?: Int32Array[];
  near?: number;
}

/**
 * Greedy insertion with blinks: every absent stop goes where it costs least among feasible
 * positions; stops with no feasible place stay absent. Routes in `touched` were already copied;
 * others are copied before being changed.
 */
export function recreate(inst: Instance, s: RoutingSolution, rng: Rng, opts: RecreateOptions, touched: Uint8Array): void {
  const nv = s.routes.length;
  const st: ScanState = {
    // the scan list holds one empty vehicle per class already: no class to remember
    classSeen: null, delta: Infinity, v: -1, p: -1, rng,
    logSkip: opts.blink > 0 ? Math.log(1 - opts.blink) : 0, untilBlink: 0,
  };
  st.untilBlink = nextBlink(st);
  const wanted = opts.adj && opts.near ? new Uint8Array(nv) : null;
  const scan = scanList(inst, s);
  // spare room in the first dimension: every route is looked at for every stop, most are full
  const room = new Float64Array(nv);
  for (const v of scan) room[v] = spareRoom(inst, s.routes[v]!);
  const left: number[] = [];
  const changed: Route[] = [];
  for (const c of s.absent) {
    st.delta = Infinity;
    st.v = -1;
    const needs = inst.dims ? inst.demand[c * inst.dims]! - ROOM_SLACK : -Infinity;
    if (wanted && opts.adj && opts.near) {
      wanted.fill(0);
      const near = opts.adj[c]!;
      for (let t = 0; t < opts.near && t < near.length; t++) {
        const v = s.routeOf[near[t]!]!;
        if (v >= 0) wanted[v] = 1;
      }
      for (const v of scan) if (wanted[v] || !s.routes[v]!.nodes.length) scanRoute(inst, s, c, v, st);
    }
    if (st.v < 0) {
      for (const v of scan) if (needs <= room[v]!) scanRoute(inst, s, c, v, st);
    }
    if (st.v < 0) {
      left.push(c);
      continue;
    }
    if (!touched[st.v]) {
      s.routes[st.v] = cloneRoute(s.routes[st.v]!);
      touched[st.v] = 1;
    }
    const r = s.routes[st.v]!;
    if (!r.nodes.length) {
      const w = openedRoute(inst, s, scan, st.v);
      if (w >= 0) room[w] = spareRoom(inst, s.routes[w]!);
    }
    if (inst.timed) {
      r.nodes.splice(st.p, 0, c);
      commitRoute(inst, s, r); // the next scans read its times
    } else {
      // load and duration are all the next scans read: the rest once, when the stops are in
      addStop(inst, r, st.p, c);
      s.routeOf[c] = r.v;
      if (!changed.includes(r)) changed.push(r);
    }
    room[st.v] = spareRoom(inst, r);
  }
  for (const r of changed) commitRoute(inst, s, r);
  s.absent = left;
}

/** Inserts c before position p, keeping the route's load and duration (not its cost) current. */
function addStop(inst: Instance, r: Route, p: number, c: number): void {
  const { n, dims, demand, time, service } = inst;
  const depot = inst.vehicles[r.v]!.depot;
  const prev = p === 0 ? depot : r.nodes[p - 1]!;
  const next = p === r.nodes.length ? depot : r.nodes[p]!;
  for (let d = 0; d < dims; d++) r.load[d]! += demand[c * dims + d]!;
  r.dur += time[prev * n + c]! + service[c]! + time[c * n + next]! - (r.nodes.length ? time[prev * n + next]! : 0);
  r.nodes.splice(p, 0, c);
}

/**
 * The vehicles an insertion needs to look at, in vehicle order: every used route and the first
 * empty vehicle of each class (scanRoute skips the class's other empty ones anyway). CVRPLIB's free
 * fleet has as many vehicles as stops: visiting every one for every stop cost more than the positions.
 */
function scanList(inst: Instance, s: RoutingSolution): number[] {
  const seen = new Uint8Array(s.routes.length); // class numbers are below the vehicle count
  const out: number[] = [];
  for (let v = 0; v < s.routes.length; v++) {
    if (s.routes[v]!.nodes.length) out.push(v);
    else {
      const klass = inst.vehicles[v]!.klass;
      if (!seen[klass]) {
        seen[klass] = 1;
        out.push(v);
      }
    }
  }
  return out;
}

/**
 * Empty vehicle `v` takes its first stop: the next empty vehicle of its class joins the scan list,
 * in order. Returns that vehicle (-1 when the class has no other empty one).
 */
function openedRoute(inst: Instance, s: RoutingSolution, scan: number[], v: number): number {
  const klass = inst.vehicles[v]!.klass;
  for (let w = v + 1; w < s.routes.length; w++) {
    if (inst.vehicles[w]!.klass !== klass || s.routes[w]!.nodes.length) continue;
    let at = scan.length;
    while (at > 0 && scan[at - 1]! > w) at--;
    scan.splice(at, 0, w);
    return w;
  }
  return -1;
}

/** Below canTake's tolerance: the room test only spares canTake the routes it would refuse anyway. */
const ROOM_SLACK = 1e-6;

/** What route r can still load in the first dimension (Infinity without dimensions). */
function spareRoom(inst: Instance, r: Route): number {
  return inst.dims ? inst.vehicles[r.v]!.cap[0]! - r.load[0]! : Infinity;
}

/**
 * The cheapest feasible position of node c over every route (one empty vehicle per class), without
 * blinks: the full scan of a greedy insertion, for callers that try fewer positions first.
 * Route -1 when nothing can take c.
 */
export function cheapestInsertion(inst: Instance, s: RoutingSolution, c: number): { v: number; p: number; delta: number } {
  // no blinks (the countdown never ends), so the rng is never drawn
  const st: ScanState = { classSeen: new Uint8Array(inst.vehicles.length), delta: Infinity, v: -1, p: -1, rng: () => 0, logSkip: 0, untilBlink: Infinity };
  for (let v = 0; v < s.routes.length; v++) scanRoute(inst, s, c, v, st);
  return { v: st.v, p: st.p, delta: st.delta };
}

/** Best insertion found so far for the current stop, and the blink countdown. */
interface ScanState {
  /** Classes whose first empty vehicle was tried (the others are the same); null when the caller's list has one per class. */
  classSeen: Uint8Array | null;
  delta: number;
  v: number;
  p: number;
  rng: Rng;
  logSkip: number;
  untilBlink: number;
}

/** Positions to the next blink, drawn geometrically: one random number per blink, not per position. */
function nextBlink(st: ScanState): number {
  return st.logSkip < 0 ? Math.floor(Math.log(1 - st.rng()) / st.logSkip) : Infinity;
}

function scanRoute(inst: Instance, s: RoutingSolution, c: number, v: number, st: ScanState): void {
  const r = s.routes[v]!;
  const veh = inst.vehicles[v]!;
  const nodes = r.nodes;
  const len = nodes.length;
  if (!len && st.classSeen) {
    if (st.classSeen[veh.klass]) return;
    st.classSeen[veh.klass] = 1;
  }
  if (!canTake(inst, r, c)) return;
  const C = veh.cost;
  const n = inst.n;
  const row = c * n;
  let prev = veh.depot;
  // the arc prev -> c; on a symmetric matrix it is read from c's own row, which stays in cache
  let into = veh.symmetric ? C[row + prev]! : C[prev * n + c]!;
  const base = len ? 0 : veh.fixed;
  let untilBlink = st.untilBlink;
  for (let p = 0; p <= len; p++) {
    const next = p < len ? nodes[p]! : veh.depot;
    const out = C[row + next]!;
    if (untilBlink-- <= 0) untilBlink = nextBlink(st);
    else {
      const delta = base + into + out - C[prev * n + next]!;
      if (delta < st.delta && timeFits(inst, r, p, c)) {
        st.delta = delta;
        st.v = v;
        st.p = p;
      }
    }
    prev = next;
    into = veh.symmetric ? out : C[next * n + c]!;
  }
  st.untilBlink = untilBlink;
}
