import type { PlannedRoute, Problem, Unserved, UnservedReason, Vehicle } from '../model/problem.types';
import { arcCache } from '../model/travel.matrix';
import { crosses, interchangeKey } from '../routing/trips.assign';

/**
 * Chains collection trips (routed on per-trip copies of the vehicles, see collect.solve.ts) onto
 * the real vehicles with exact times: a trip leaves where the vehicle is (its depot, or the site of
 * its previous unload), picks up, and unloads at the site that keeps the vehicle's detour smallest
 * among those open on arrival with room left, early enough to still drive back to the depot by the
 * shift end and before the vehicle's next pause (a shift change, or nobody on shift: a trip that
 * would run across one leaves after it instead, as delivery trips do, routing/trips.assign.ts).
 * The trips the search routed from the depot go first, so they are the ones that leave
 * from a depot here too; then most urgent first, then longest first; each takes the placement with
 * the smallest added distance (a vehicle's fixed cost counts when it is not used yet). Site
 * capacities are booked as trips are placed. A trip that fits nowhere whole is split in its order
 * into pieces that do fit; only a pickup that fits nowhere even alone comes back unserved.
 */

/** The virtual vehicle a trip was routed on: the real vehicle it stands for, and whether its trip left from the depot. */
export interface TripCopy {
  vehicle: number;
  fromDepot: boolean;
}

const EPS = 1e-6;

interface Place {
  vehicle: number;
  site: number;
  departure: number;
  starts: number[];
  unloadStart: number;
  score: number;
}

interface VehicleState {
  trips: number;
  /** Where and when the vehicle is free: its depot at the shift start, then its last unload site. */
  at: number;
  free: number;
}

export function chainCollection(problem: Problem, trips: readonly PlannedRoute[], copies: readonly TripCopy[]): { routes: PlannedRoute[]; unserved: Unserved[] } {
  const sites = problem.sites ?? [];
  const dims = problem.dimensions.length;
  const arc = arcCache(problem.travel);
  const room = sites.map((s) => Array.from({ length: dims }, (_, d) => s.capacity?.[d] ?? Infinity));
  const keys = problem.vehicles.map(interchangeKey);
  const state: VehicleState[] = problem.vehicles.map((v) => ({ trips: 0, at: problem.depots[v.depot]!.location, free: v.shift?.[0] ?? 0 }));
  const loadOf = (stops: readonly number[]): number[] => {
    const load = new Array<number>(dims).fill(0);
    for (const s of stops) problem.stops[s]!.demand.forEach((q, d) => (load[d]! += q));
    return load;
  };

  /** The best placement of `stops` as the next trip of a vehicle like `source`; `full` tells whether only site room was missing. */
  const place = (stops: readonly number[], source: number): { best: Place | null; full: boolean } => {
    const load = loadOf(stops);
    let best: Place | null = null;
    let full = false;
    problem.vehicles.forEach((v, vi) => {
      const st = state[vi]!;
      if (keys[vi] !== keys[source] || st.trips >= (v.maxTrips ?? 1)) return;
      if (load.some((q, d) => q > (v.capacity[d] ?? 0) + EPS)) return;
      const depot = problem.depots[v.depot]!.location;
      const last = problem.stops[stops[stops.length - 1]!]!.location;
      sites.forEach((site, si) => {
        // Leaves as soon as the vehicle is free, or after the pause (a shift change, nobody on shift) it would run across.
        for (let departure = st.free; ;) {
          const timed = simulate(v, st, stops, departure);
          if (!timed) return;
          const start = Math.max(timed.end + arc(last, site.location).time, site.hours?.[0] ?? -Infinity);
          if (site.hours && start > site.hours[1] + EPS) return;
          const back = start + (site.unloadTime ?? 0) + arc(site.location, depot).time;
          if (v.shift && back > v.shift[1] + EPS) return;
          // Every trip could still drive back to the depot before the next pause: the last one before it must.
          const pause = v.pauses?.find(([a, b]) => crosses(departure, back, a, b));
          if (pause) { departure = pause[1]; continue; }
          if (v.maxDuration !== undefined && back - departure > v.maxDuration + EPS) return;
          if (load.some((q, d) => q > room[si]![d]! + EPS)) return void (full = true);
          const score = arc(st.at, problem.stops[stops[0]!]!.location).dist + arc(last, site.location).dist + (st.trips ? 0 : (v.fixedCost ?? 0));
          if (!best || score < best.score - EPS) best = { vehicle: vi, site: si, departure, starts: timed.starts, unloadStart: start, score };
          return;
        }
      });
    });
    return { best, full };
  };

  const simulate = (v: Vehicle, st: VehicleState, stops: readonly number[], departure: number): { starts: number[]; end: number } | null => {
    let t = departure;
    let prev = st.at;
    const starts: number[] = [];
    for (const si of stops) {
      const s = problem.stops[si]!;
      t = Math.max(t + arc(prev, s.location).time, s.window?.[0] ?? -Infinity);
      if (s.window && t > s.window[1] + EPS) return null;
      starts.push(t);
      t += s.serviceTime ?? 0;
      prev = s.location;
    }
    return v.shift && t > v.shift[1] + EPS ? null : { starts, end: t };
  };

  const placed: (PlannedRoute & { unload: { site: number; start: number } })[] = [];
  const unserved: Unserved[] = [];
  const drop = (stops: readonly number[], reason: UnservedReason): void => { for (const stop of stops) unserved.push({ stop, reason }); };
  const commit = (trip: PlannedRoute, stops: readonly number[], best: Place): void => {
    const load = loadOf(stops);
    load.forEach((q, d) => (room[best.site]![d]! -= q));
    const st = state[best.vehicle]!;
    const site = sites[best.site]!;
    placed.push({ ...trip, vehicle: best.vehicle, stops: stops.slice(), load, starts: best.starts, departure: best.departure, trip: st.trips, unload: { site: best.site, start: best.unloadStart } });
    st.trips++;
    st.at = site.location;
    st.free = best.unloadStart + (site.unloadTime ?? 0);
  };
  /** Places `stops` whole, shedding pickups a full site cannot take; false when no shift has room for what is left. */
  const placeWhole = (trip: PlannedRoute, stops: number[], source: number): { placed: boolean; stops: number[]; full: boolean } => {
    let found = place(stops, source);
    // A site short of room: shed the least urgent (then the heaviest) pickups until the rest fits.
    while (!found.best && found.full && stops.length > 1) {
      const worst = stops.reduce((w, s) => (shedFirst(problem, s, w) ? s : w));
      stops = stops.filter((s) => s !== worst);
      drop([worst], 'disposal-capacity');
      found = place(stops, source);
    }
    if (found.best) commit(trip, stops, found.best);
    return { placed: !!found.best, stops, full: found.full };
  };
  const urgency = (r: PlannedRoute): number => Math.min(...r.stops.map((s) => problem.stops[s]!.priority ?? 3));
  const first = (r: PlannedRoute): number => (copies[r.vehicle]!.fromDepot ? 0 : 1);
  const order = trips.filter((r) => r.stops.length).sort((a, b) => first(a) - first(b) || urgency(a) - urgency(b) || b.duration - a.duration);
  for (const trip of order) {
    const source = copies[trip.vehicle]!.vehicle;
    const whole = placeWhole(trip, trip.stops.slice(), source);
    if (whole.placed) continue;
    if (whole.full) { drop(whole.stops, 'disposal-capacity'); continue; }
    // The trip no longer fits whole where the chaining starts it (later than the search saw, or
    // from elsewhere): keep its order and cut it into pieces that fit, each as long as it can grow.
    let piece: number[] = [];
    for (const stop of whole.stops) {
      if (place([...piece, stop], source).best) { piece.push(stop); continue; }
      const rest = piece.length ? placeWhole(trip, piece, source) : null;
      if (rest && !rest.placed) drop(rest.stops, rest.full ? 'disposal-capacity' : 'shift-exhausted');
      piece = [];
      const alone = place([stop], source);
      if (alone.best) piece = [stop];
      else drop([stop], alone.full ? 'disposal-capacity' : 'shift-exhausted');
    }
    if (piece.length) {
      const rest = placeWhole(trip, piece, source);
      if (!rest.placed) drop(rest.stops, rest.full ? 'disposal-capacity' : 'shift-exhausted');
    }
  }
  return { routes: finish(problem, placed, arc), unserved };
}

/** Whether pickup `a` goes before pickup `b` when a trip must shed one: less urgent, then heavier. */
function shedFirst(problem: Problem, a: number, b: number): boolean {
  const [sa, sb] = [problem.stops[a]!, problem.stops[b]!];
  const pa = sa.priority ?? 3;
  const pb = sb.priority ?? 3;
  if (pa !== pb) return pa > pb;
  return sa.demand.reduce((x, y) => x + y, 0) > sb.demand.reduce((x, y) => x + y, 0);
}

/** Distance, duration and cost of each trip once the chains are final (only a last trip drives back to the depot). */
function finish(
  problem: Problem, routes: (PlannedRoute & { unload: { site: number; start: number } })[], arc: (a: number, b: number) => { dist: number; time: number },
): PlannedRoute[] {
  routes.sort((a, b) => a.vehicle - b.vehicle || (a.trip ?? 0) - (b.trip ?? 0));
  return routes.map((r, i) => {
    const v = problem.vehicles[r.vehicle]!;
    const site = problem.sites![r.unload.site]!;
    const prev = i > 0 && routes[i - 1]!.vehicle === r.vehicle ? routes[i - 1]! : null;
    const last = routes[i + 1]?.vehicle !== r.vehicle;
    let at = prev ? problem.sites![prev.unload.site]!.location : problem.depots[v.depot]!.location;
    let dist = 0;
    let drive = 0;
    for (const s of [...r.stops.map((x) => problem.stops[x]!.location), site.location]) {
      const leg = arc(at, s);
      dist += leg.dist;
      drive += leg.time;
      at = s;
    }
    let end = r.unload.start + (site.unloadTime ?? 0);
    if (last) {
      const leg = arc(site.location, problem.depots[v.depot]!.location);
      dist += leg.dist;
      drive += leg.time;
      end += leg.time;
    }
    const cost = (v.fixedCost ?? 0) + (v.costPerDistance ?? 1) * dist + ((v.costPerHour ?? 0) / 3600) * drive;
    return { ...r, distance: dist, duration: end - (r.departure ?? 0), cost };
  });
}
