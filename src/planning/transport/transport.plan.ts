/**
 * Cheapest feasible insertion for passenger trips. Requests are placed one by one (emergencies
 * first, then by deadline, then id: deterministic): each tries every pickup/drop position pair in
 * every trip it may share, and a dedicated trip on every vehicle that can take it; the cheapest
 * feasible choice wins. Existing stops keep their order and the stops already under way stay put.
 * A request nothing can take is returned as unserved with the reason, not thrown.
 */
import { cheapestInsertion } from './insertion.scan';
import { driveS, maxRideOf, scheduleTrip, timingOf, type ScheduleResult, type Timing } from './trip-schedule';
import type {
  PlannedTrip, TransportInput, TransportPlan, TransportRequest, TransportUnservedReason, TransportVehicle, TripStop,
} from './transport.types';

interface WorkTrip {
  id: string;
  vehicle: TransportVehicle;
  startS: number;
  start: TransportVehicle['start'];
  stops: TripStop[];
  locked: number;
  hasGoods: boolean;
  created: boolean;
  changed: boolean;
  timing: Extract<ScheduleResult, { ok: true }>;
}

/** One way to place a request: its stops in an existing trip (`trip`) or a new one (`trip` null). */
interface Option {
  trip: WorkTrip | null;
  vehicle: TransportVehicle;
  startS: number;
  start: TransportVehicle['start'];
  stops: TripStop[];
  hasGoods: boolean;
  /** Metres the trip drove before (so the cost is what this request adds). */
  baseM: number;
  /** Extra cost (a dedicated trip's). */
  extra: number;
  /** The vehicle's next trip, which this one must leave time to reach. */
  next: WorkTrip | undefined;
}

interface Candidate extends Option {
  cost: number;
  timing: Extract<ScheduleResult, { ok: true }>;
}

const byDeadline = (a: TransportRequest, b: TransportRequest): number =>
  Number(b.urgent ?? false) - Number(a.urgent ?? false) || a.latestDropS - b.latestDropS || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function skillsOk(v: TransportVehicle, r: TransportRequest): boolean {
  return (!r.wheelchair || v.skills.includes('wheelchair')) && (!r.escort || v.skills.includes('escort'));
}

/** Cost of a feasible placement: added metres, or for an emergency the drop time first. */
function costOf(r: TransportRequest, stops: readonly TripStop[], timing: Extract<ScheduleResult, { ok: true }>, addedM: number): number {
  if (!r.urgent) return addedM;
  const dropAt = timing.atS[stops.findIndex((s) => s.requestId === r.id && s.type === 'drop')]!;
  return dropAt * 1000 + addedM;
}

export function planTransport(input: TransportInput): TransportPlan {
  const t: Timing = timingOf(input.options);
  const newTripCost = input.options?.newTripCostM ?? 3000;
  const newId = input.options?.newTripId ?? ((n: number) => `new-${n}`);
  const requests = new Map<string, TransportRequest>();
  for (const r of [...input.assigned, ...input.pending]) requests.set(r.id, r);
  const vehicles = new Map(input.vehicles.map((v) => [v.id, v]));
  const rides = new Map<string, number>();
  const maxRide = (r: TransportRequest): number => rides.get(r.id) ?? rides.set(r.id, maxRideOf(t, r)).get(r.id)!;

  /** A trip ending at `endS` after `last` still lets the vehicle reach the start of its next trip. */
  const reaches = (endS: number, last: TripStop, next: WorkTrip | undefined): boolean =>
    !next || endS + driveS(t, pointOf(requests.get(last.requestId)!, last.type), next.start) <= next.startS;

  const trips: WorkTrip[] = [];
  /** Each vehicle's trips by start, ties in the order of `trips` (what a stable sort of them gives). */
  const ofVehicle = new Map<TransportVehicle, WorkTrip[]>();
  const addTrip = (w: WorkTrip): void => {
    trips.push(w);
    const own = ofVehicle.get(w.vehicle) ?? ofVehicle.set(w.vehicle, []).get(w.vehicle)!;
    let at = own.length;
    while (at > 0 && own[at - 1]!.startS > w.startS) at--;
    own.splice(at, 0, w);
  };
  /** The trip of `vehicle` that starts next after `startS` (other than `self`). */
  const nextTrip = (vehicle: TransportVehicle, startS: number, self: WorkTrip): WorkTrip | undefined =>
    ofVehicle.get(vehicle)?.find((w) => w !== self && w.startS >= startS);
  for (const e of input.trips) {
    const vehicle = vehicles.get(e.vehicleId);
    if (!vehicle) continue; // vehicle withdrawn: its trip is left as it is, nothing joins it
    const timing = scheduleTrip(t, vehicle, e.startS, e.start, e.stops, requests, e.hasGoods ?? false);
    const fallback = { ok: true as const, atS: e.stops.map(() => e.startS), distanceM: 0, endS: e.startS };
    addTrip({
      id: e.id, vehicle, startS: e.startS, start: e.start, stops: [...e.stops], locked: e.lockedStops ?? 0,
      hasGoods: e.hasGoods ?? false, created: false, changed: false, timing: timing.ok ? timing : fallback,
      // A trip that no longer times out (late, withdrawn stop) takes nothing new.
      ...(timing.ok ? {} : { locked: e.stops.length + 1 }),
    });
  }

  const plan: TransportPlan = { trips: [], assignments: [], unserved: [] };
  let created = 0;
  for (const r of [...input.pending].sort(byDeadline)) {
    const fit = input.vehicles.filter((v) => v.seats >= r.seats);
    const able = fit.filter((v) => skillsOk(v, r));
    if (fit.length === 0) { plan.unserved.push({ requestId: r.id, reason: 'no-vehicle-with-seats' }); continue; }
    if (able.length === 0) { plan.unserved.push({ requestId: r.id, reason: 'no-vehicle-with-skills' }); continue; }
    const ableSet = new Set(able);
    const reasons = new Set<string>();
    let best: Candidate | undefined;
    const consider = (o: Option): void => {
      const timing = scheduleTrip(t, o.vehicle, o.startS, o.start, o.stops, requests, o.hasGoods);
      if (!timing.ok) { reasons.add(timing.reason); return; }
      if (!reaches(timing.endS, o.stops.at(-1)!, o.next)) { reasons.add('shift-ended'); return; }
      const cost = costOf(r, o.stops, timing, timing.distanceM - o.baseM) + o.extra;
      if (!best || cost < best.cost) best = { ...o, cost, timing };
    };
    // Insertion into trips this request may share: the cheapest position pair of each trip, timed
    // again in full (scheduleTrip) only when it beats the best so far.
    for (const trip of trips) {
      if (!ableSet.has(trip.vehicle) || r.isolated) continue;
      if (trip.stops.some((s) => requests.get(s.requestId)!.isolated)) continue;
      const next = nextTrip(trip.vehicle, trip.startS, trip);
      const found = cheapestInsertion({ t, requests, maxRide, reasons, reaches: (endS, last) => reaches(endS, last, next) }, trip, r);
      if (!found || (best && !(found.cost < best.cost))) continue;
      const stops = [...trip.stops];
      stops.splice(found.dropAt, 0, { requestId: r.id, type: 'drop' });
      stops.splice(found.pickupAt, 0, { requestId: r.id, type: 'pickup' });
      const timing = scheduleTrip(t, trip.vehicle, trip.startS, trip.start, stops, requests, trip.hasGoods);
      if (!timing.ok) throw new Error(`transport insertion scan and scheduleTrip disagree on trip ${trip.id}: ${timing.reason}`);
      best = { trip, vehicle: trip.vehicle, startS: trip.startS, start: trip.start, stops, hasGoods: trip.hasGoods, baseM: trip.timing.distanceM, extra: 0, next, cost: found.cost, timing };
    }
    // A dedicated trip on each able vehicle, in any gap between its trips, leaving just in time.
    for (const vehicle of able) {
      const own = ofVehicle.get(vehicle) ?? [];
      for (let g = 0; g <= own.length; g++) {
        const before = own[g - 1];
        const lastStop = before?.stops.at(-1);
        const start = lastStop ? pointOf(requests.get(lastStop.requestId)!, lastStop.type) : (before?.start ?? vehicle.start);
        const free = Math.max(vehicle.availableFromS, before?.timing.endS ?? -Infinity);
        const startS = Math.max(free, r.earliestPickupS - driveS(t, start, r.pickup));
        const next = own[g];
        const stops: TripStop[] = [{ requestId: r.id, type: 'pickup' }, { requestId: r.id, type: 'drop' }];
        consider({ trip: null, vehicle, startS, start, stops, hasGoods: false, baseM: 0, extra: newTripCost, next });
      }
    }
    if (!best) { plan.unserved.push({ requestId: r.id, reason: unservedReason(reasons) }); continue; }
    const chosen: Candidate = best;
    if (chosen.trip) {
      chosen.trip.stops = chosen.stops;
      chosen.trip.timing = chosen.timing;
      chosen.trip.changed = !chosen.trip.created;
      plan.assignments.push({ requestId: r.id, tripId: chosen.trip.id });
    } else {
      const id = newId(++created);
      addTrip({
        id, vehicle: chosen.vehicle, startS: chosen.startS, start: chosen.start,
        stops: chosen.stops, locked: 0, hasGoods: false, created: true, changed: false, timing: chosen.timing,
      });
      plan.assignments.push({ requestId: r.id, tripId: id });
    }
  }

  plan.trips = trips.filter((w) => w.created || w.changed).map((w): PlannedTrip => ({
    id: w.id, vehicleId: w.vehicle.id, driverId: w.vehicle.driverId, startS: w.startS, start: w.start,
    stops: w.stops.map((s, k) => ({ ...s, atS: w.timing.atS[k]! })), distanceM: w.timing.distanceM, endS: w.timing.endS,
    created: w.created, changed: w.changed,
  }));
  return plan;
}

const pointOf = (r: TransportRequest, type: TripStop['type']) => (type === 'pickup' ? r.pickup : r.drop);

const REASON_ORDER: readonly TransportUnservedReason[] = ['appointment-unreachable', 'ride-time-exceeded', 'shift-ended'];

function unservedReason(seen: ReadonlySet<string>): TransportUnservedReason {
  return REASON_ORDER.find((r) => seen.has(r)) ?? 'appointment-unreachable';
}
