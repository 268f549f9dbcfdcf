/**
 * Transport use cases: turn legs (pass outbound/return, emergency) into requests, place them with
 * the pure planner against the live trips, and store the result; cancel and complete legs.
 * Planner time is seconds from "now"; everything runs inside the caller's transaction, under an
 * advisory lock, so concurrent approvals and emergencies see each other's trips.
 */
import { randomUUID } from 'node:crypto';
import { planTransport } from '../../planning/transport/transport.plan';
import type { ExistingTrip, TransportRequest, TransportVehicle } from '../../planning/transport/transport.types';
import {
  cancelLegs, finishLegs, liveTrips, lockTransportPlanning, passengerVehicles, rosteredPassengerShifts, savePlacement,
  type PassengerVehicle, type LegsOf, type RequestRow, type StoredStop,
} from '../../store/pass-transport.repository';
import type { Db } from '../../store/db';

/** Depots without shift templates have no shift data: plan up to two weeks ahead. */
const HORIZON_S = 14 * 24 * 3600;

/** A pass car over one rostered shift: `id` names the car and the shift, `carId` the vehicle. */
export interface RosteredCar extends TransportVehicle { carId: string }

/**
 * Cars of depots with shift templates drive on the roster (issue #18, item 3), as rounds do. A car
 * the dispatcher put drivers on drives each of those shifts (Day today, Day tomorrow...), so a pass
 * approved today for tomorrow's appointment finds it; a car nobody was put on takes the next shift
 * of its depot not taken by another car. Each shift is the car planned as a vehicle of its own, from
 * the shift's start (or now) until its end, with that shift's driver; two shifts of a car never
 * overlap. Only a driver holding the car's licence class drives it. A car with no shift is not planned.
 */
export function rosteredCars(r: Awaited<ReturnType<typeof rosteredPassengerShifts>>, now: Date): RosteredCar[] {
  const taken = new Set<number>();
  const out: RosteredCar[] = [];
  type Car = (typeof r.vehicles)[number];
  type Shift = (typeof r.shifts)[number];
  const fits = (v: Car, s: Shift) => s.depotId === v.depotId && (v.licence === null || s.licences.includes(v.licence));
  const drive = (v: Car, k: number, mine: RosteredCar[]) => {
    const s = r.shifts[k]!;
    const [from, until] = [toS(now, s.startsAt), toS(now, s.endsAt)];
    if (mine.some((c) => c.availableFromS < until && from < c.shiftEndS)) return;
    taken.add(k);
    mine.push({
      id: `${v.id}@${s.startsAt.toISOString()}`, carId: v.id, driverId: s.driverId, start: { lat: v.depotLat, lon: v.depotLon }, seats: v.seats, skills: v.skills,
      availableFromS: Math.max(0, from), shiftEndS: until,
    });
  };
  for (const v of r.vehicles) {
    const mine: RosteredCar[] = [];
    r.shifts.forEach((s, k) => { if (!taken.has(k) && s.vehicleId === v.id && fits(v, s)) drive(v, k, mine); });
    const next = r.shifts.findIndex((s, k) => !taken.has(k) && s.vehicleId === null && fits(v, s));
    if (mine.length === 0 && next >= 0) drive(v, next, mine);
    out.push(...mine);
  }
  return out;
}

/** The rostered car a stored trip runs on: the one of its vehicle whose shift has its driver and start. */
const carOfTrip = (cars: readonly RosteredCar[], t: { vehicle_id: string; driver_id: string | null }, startS: number): string =>
  cars.find((c) => c.carId === t.vehicle_id && c.driverId === t.driver_id && c.availableFromS <= Math.max(0, startS) && startS <= c.shiftEndS)?.id
  ?? cars.find((c) => c.carId === t.vehicle_id && c.driverId === t.driver_id)?.id ?? t.vehicle_id;
/**
 * Trips further than this from the new requests' windows cannot meet them (a vehicle does not
 * drive that long to a pickup), so they are not loaded; the margin also keeps the next trip of a
 * vehicle in view, which a changed trip must still leave time to reach.
 */
const WINDOW_MARGIN_MS = 6 * 3600_000;

export interface Placement {
  assigned: Map<string, { tripId: string; driverId: string | null }>;
  unserved: Map<string, string>;
}

const toS = (now: Date, d: Date): number => (d.getTime() - now.getTime()) / 1000;

function toRequest(now: Date, r: RequestRow): TransportRequest {
  return {
    id: r.id, pickup: { lat: r.pickup_lat, lon: r.pickup_lon }, drop: { lat: r.drop_lat, lon: r.drop_lon },
    earliestPickupS: toS(now, r.earliest_pickup), latestDropS: toS(now, r.latest_drop), seats: r.seats,
    wheelchair: r.wheelchair, escort: r.escort, isolated: r.isolated, goods: r.goods, urgent: r.urgent,
  };
}

/** The cars transport planning may use at `now`: those of depots without shifts, and each rostered shift of the others. */
export interface PassengerFleet { now: Date; unrostered: PassengerVehicle[]; rostered: Awaited<ReturnType<typeof rosteredPassengerShifts>> }

/**
 * Reads the passenger fleet for a placement at `now`. It needs no planning lock (fleet and roster
 * changes never take it), so a batch reads it before taking the lock: under the district day's load
 * each of its three statements held the lock a turn of a busy event loop (issue #21).
 */
export async function readPassengerFleet(db: Db, now: Date): Promise<PassengerFleet> {
  return { now, unrostered: await passengerVehicles(db), rostered: await rosteredPassengerShifts(db, now, new Date(now.getTime() + HORIZON_S * 1000)) };
}

/**
 * Places `pending` (requests of this transaction) on the live trips or new ones; stores the plan.
 * `fleet`: read before for this `now` (`readPassengerFleet`), else read here.
 */
export async function placeRequests(trx: Db, now: Date, pending: RequestRow[], fleet?: PassengerFleet): Promise<Placement> {
  if (pending.length === 0) return { assigned: new Map(), unserved: new Map() };
  await lockTransportPlanning(trx);
  const { unrostered, rostered } = fleet?.now.getTime() === now.getTime() ? fleet : await readPassengerFleet(trx, now);
  const from = Math.min(...pending.map((p) => p.earliest_pickup.getTime())) - WINDOW_MARGIN_MS;
  const to = Math.max(...pending.map((p) => p.latest_drop.getTime())) + WINDOW_MARGIN_MS;
  const live = await liveTrips(trx, new Date(from), new Date(to));
  const placing = new Set(pending.map((p) => p.id));
  const vehicles: TransportVehicle[] = [
    ...unrostered.map((v) => ({
      id: v.id, driverId: v.driverId, start: { lat: v.depotLat, lon: v.depotLon }, seats: v.seats, skills: v.skills, availableFromS: 0, shiftEndS: HORIZON_S,
    })),
  ];
  const cars = rosteredCars(rostered, now);
  vehicles.push(...cars);
  const carOf = new Map(cars.map((c) => [c.id, c.carId]));
  const assigned = live.requests.filter((r) => !placing.has(r.id));
  const onTrip = new Set(assigned.map((r) => r.id));
  const trips: ExistingTrip[] = live.trips.map((t) => ({
    id: t.id, vehicleId: carOfTrip(cars, t, toS(now, t.starts_at)), startS: toS(now, t.starts_at), start: { lat: t.start_lat, lon: t.start_lon },
    stops: t.stops.filter((s) => onTrip.has(s.requestId)).map((s) => ({ requestId: s.requestId, type: s.type })), lockedStops: t.locked_stops,
  }));
  const plan = planTransport({
    vehicles, trips, assigned: assigned.map((r) => toRequest(now, r)), pending: pending.map((r) => toRequest(now, r)),
  });

  const urgent = new Set(pending.filter((p) => p.urgent).map((p) => p.id));
  // New trips get their ids here, so the requests on them can name them in the same few statements.
  const dbIds = new Map(plan.trips.map((t) => [t.id, t.created ? randomUUID() : t.id]));
  const writes = plan.trips.map((trip) => {
    const stops: StoredStop[] = trip.stops.map((s) => ({ requestId: s.requestId, type: s.type, at: new Date(now.getTime() + s.atS * 1000).toISOString() }));
    return {
      created: trip.created, id: dbIds.get(trip.id)!, vehicleId: carOf.get(trip.vehicleId) ?? trip.vehicleId, driverId: trip.driverId,
      startsAt: new Date(now.getTime() + trip.startS * 1000), endsAt: new Date(now.getTime() + trip.endS * 1000),
      startLat: trip.start.lat, startLon: trip.start.lon, stops, distanceM: trip.distanceM, emergency: stops.some((s) => urgent.has(s.requestId)),
    };
  });
  const drivers = new Map(plan.trips.map((t) => [t.id, t.driverId]));
  const placement: Placement = { assigned: new Map(), unserved: new Map() };
  for (const a of plan.assignments) placement.assigned.set(a.requestId, { tripId: dbIds.get(a.tripId) ?? a.tripId, driverId: drivers.get(a.tripId) ?? null });
  for (const u of plan.unserved) placement.unserved.set(u.requestId, u.reason);
  await savePlacement(trx, {
    created: writes.filter((t) => t.created), changed: writes.filter((t) => !t.created),
    assigned: [...placement.assigned].map(([requestId, a]) => ({ requestId, tripId: a.tripId })),
    unserved: [...placement.unserved].map(([requestId, reason]) => ({ requestId, reason })),
  }, now);
  return placement;
}

/** Takes requests off their trips and closes them (cancelled pass or case). */
export async function cancelRequests(trx: Db, requestIds: readonly string[], at: Date): Promise<void> {
  if (requestIds.length === 0) return;
  // Trips are rewritten whole by planning: edit them only under its lock, or a plan could restore stops.
  await lockTransportPlanning(trx);
  await cancelLegs(trx, { requestIds, at });
}

/** Legs done (`of`: a pass's leg, an emergency's): their stops are behind the vehicle; a trip is done when every leg on it is. */
export async function completeLegs(trx: Db, of: LegsOf, at: Date): Promise<void> {
  await lockTransportPlanning(trx);
  await finishLegs(trx, { of, at });
}
