import type { PlannedRoute, Problem, Unserved, Vehicle } from '../model/problem.types';
import { travelBetween } from '../model/travel.matrix';

/**
 * Chains trips routed on virtual vehicles (one copy per allowed trip) onto the real vehicles:
 * first-fit decreasing by duration, a vehicle's trips back to back with its reload time between
 * them. Shifting a trip later can break its time windows or the shift end, so every placement is
 * re-simulated; a trip that fits nowhere returns its stops as unserved, never dropped.
 */
export interface TripAssignment {
  routes: PlannedRoute[];
  unserved: Unserved[];
}

interface Timed {
  starts: number[];
  end: number;
}

const EPS = 1e-6;

/** A trip on the road from `from` to `to` runs into the pause [a, b] (a handover instant when a = b). */
export const crosses = (from: number, to: number, a: number, b: number): boolean => from < b - EPS && to > a + EPS && (a < b || (from < a - EPS && to > a + EPS));

/** Trips may move between vehicles that are interchangeable for everything but timing: those with one key. */
export function interchangeKey(v: Vehicle): string {
  return JSON.stringify([
    v.depot, v.capacity, [...(v.skills ?? [])].sort(), v.costPerDistance, v.costPerHour, v.fixedCost, v.maxDuration, v.shift, v.reloadTime, v.pauses,
  ]);
}

/**
 * `realOf[v]` is the real vehicle a virtual vehicle `v` was copied from. `placed`: trips already on
 * their vehicles (kept as they are, not returned): the new trips go to what they leave of each shift.
 */
export function assignTrips(problem: Problem, trips: readonly PlannedRoute[], realOf: readonly number[], placed: readonly PlannedRoute[] = []): TripAssignment {
  const arcs = new Map<string, number>();
  const time = (a: number, b: number): number => {
    const key = `${a}>${b}`;
    let t = arcs.get(key);
    if (t === undefined) arcs.set(key, (t = travelBetween(problem.travel, a, b).time));
    return t;
  };
  const simulate = (v: Vehicle, stops: readonly number[], departure: number): Timed | null => {
    const depot = problem.depots[v.depot]!.location;
    let t = departure;
    let prev = depot;
    const starts: number[] = [];
    for (const si of stops) {
      const s = problem.stops[si]!;
      t = Math.max(t + time(prev, s.location), s.window?.[0] ?? -Infinity);
      if (s.window && t > s.window[1] + EPS) return null;
      starts.push(t);
      t += s.serviceTime ?? 0;
      prev = s.location;
    }
    t += time(prev, depot);
    if (v.shift && t > v.shift[1] + EPS) return null;
    if (v.maxDuration !== undefined && t - departure > v.maxDuration + EPS) return null;
    return { starts, end: t };
  };

  /** The trip timed from the earliest departure that runs across none of the vehicle's pauses (a shift change, nobody on shift). */
  const fitAround = (v: Vehicle, stops: readonly number[], earliest: number): (Timed & { departure: number }) | null => {
    let departure = earliest;
    for (;;) {
      const timed = simulate(v, stops, departure);
      if (!timed) return null;
      const pause = v.pauses?.find(([a, b]) => crosses(departure, timed.end, a, b));
      if (!pause) return { ...timed, departure };
      departure = pause[1];
    }
  };

  const keys = problem.vehicles.map(interchangeKey);
  const used = problem.vehicles.map(() => 0);
  const freeAt = problem.vehicles.map((v) => v.shift?.[0] ?? 0);
  for (const r of placed) {
    if (!r.stops.length || !problem.vehicles[r.vehicle]) continue;
    used[r.vehicle]!++;
    freeAt[r.vehicle] = Math.max(freeAt[r.vehicle]!, (r.departure ?? freeAt[r.vehicle]!) + r.duration);
  }
  const routes: PlannedRoute[] = [];
  const unserved: Unserved[] = [];
  const order = trips.filter((r) => r.stops.length).sort((a, b) => b.duration - a.duration);
  for (const trip of order) {
    const source = realOf[trip.vehicle]!;
    let placed = false;
    for (let v = 0; v < problem.vehicles.length && !placed; v++) {
      const veh = problem.vehicles[v]!;
      if (keys[v] !== keys[source] || used[v]! >= (veh.maxTrips ?? 1)) continue;
      const timed = fitAround(veh, trip.stops, used[v] ? freeAt[v]! + (veh.reloadTime ?? 0) : freeAt[v]!);
      if (!timed) continue;
      const { departure } = timed;
      routes.push({ ...trip, vehicle: v, trip: used[v]!, departure, starts: timed.starts, duration: timed.end - departure });
      used[v]!++;
      freeAt[v] = timed.end;
      placed = true;
    }
    if (!placed) for (const stop of trip.stops) unserved.push({ stop, reason: 'shift-exhausted' });
  }
  routes.sort((a, b) => a.vehicle - b.vehicle || (a.trip ?? 0) - (b.trip ?? 0));
  return { routes, unserved };
}
