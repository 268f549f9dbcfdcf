/**
 * Times one trip: drives the stops in order from the trip's start, waits for earliest pickups,
 * and checks every rule a trip must keep (pickup before drop, seats, drop by the deadline, ride
 * time, isolation, end of shift). Used by the insertion planner for every candidate position.
 */
import { haversineMetres } from '../model/travel.matrix';
import type { GeoPoint, TransportOptions, TransportRequest, TransportUnservedReason, TransportVehicle, TripStop } from './transport.types';

export interface Timing {
  speedMps: number;
  roadFactor: number;
  serviceS: number;
  wheelchairServiceS: number;
  maxRideFactor: number;
  maxRideSlackS: number;
}

export function timingOf(o: TransportOptions = {}): Timing {
  return {
    speedMps: o.speedMps ?? 30 / 3.6,
    roadFactor: o.roadFactor ?? 1.3,
    serviceS: o.serviceS ?? 180,
    wheelchairServiceS: o.wheelchairServiceS ?? 420,
    maxRideFactor: o.maxRideFactor ?? 1.5,
    maxRideSlackS: o.maxRideSlackS ?? 900,
  };
}

export const roadMetres = (t: Timing, a: GeoPoint, b: GeoPoint): number => haversineMetres(a, b) * t.roadFactor;
export const driveS = (t: Timing, a: GeoPoint, b: GeoPoint): number => roadMetres(t, a, b) / t.speedMps;
export const serviceOf = (t: Timing, r: TransportRequest): number => (r.wheelchair ? t.wheelchairServiceS : t.serviceS);

/** The longest a request may be on board. */
export function maxRideOf(t: Timing, r: TransportRequest): number {
  return r.maxRideS ?? driveS(t, r.pickup, r.drop) * t.maxRideFactor + t.maxRideSlackS + serviceOf(t, r);
}

export type ScheduleResult =
  | { ok: true; atS: number[]; distanceM: number; endS: number }
  | { ok: false; reason: TransportUnservedReason | 'order' | 'seats' | 'sharing' };

/**
 * Times `stops` on `vehicle`, leaving `start` at `startS`. `hasGoods`: the trip carries goods
 * besides these stops. Returns the service start of each stop, or the first rule broken.
 */
export function scheduleTrip(
  t: Timing,
  vehicle: TransportVehicle,
  startS: number,
  start: GeoPoint,
  stops: readonly TripStop[],
  requests: ReadonlyMap<string, TransportRequest>,
  hasGoods = false,
): ScheduleResult {
  const ids = new Set(stops.map((s) => s.requestId));
  const onTrip = [...ids].map((id) => requests.get(id)!);
  // Isolation is about the whole trip, not just who is on board at once: the car is shared air.
  if (onTrip.some((r) => r.isolated) && (onTrip.length > 1 || hasGoods)) return { ok: false, reason: 'sharing' };
  const atS: number[] = [];
  const pickedAt = new Map<string, number>();
  let clock = startS;
  let here = start;
  let seats = 0;
  let distanceM = 0;
  for (const stop of stops) {
    const r = requests.get(stop.requestId)!;
    const point = stop.type === 'pickup' ? r.pickup : r.drop;
    distanceM += roadMetres(t, here, point);
    clock += driveS(t, here, point);
    here = point;
    if (stop.type === 'pickup') {
      if (pickedAt.has(r.id)) return { ok: false, reason: 'order' };
      clock = Math.max(clock, r.earliestPickupS);
      pickedAt.set(r.id, clock);
      seats += r.seats;
      if (seats > vehicle.seats) return { ok: false, reason: 'seats' };
    } else {
      const picked = pickedAt.get(r.id);
      if (picked === undefined) return { ok: false, reason: 'order' };
      if (clock > r.latestDropS) return { ok: false, reason: 'appointment-unreachable' };
      if (clock - picked > maxRideOf(t, r)) return { ok: false, reason: 'ride-time-exceeded' };
      seats -= r.seats;
    }
    atS.push(clock);
    clock += serviceOf(t, r);
  }
  if (pickedAt.size !== ids.size || stops.length !== 2 * ids.size) return { ok: false, reason: 'order' };
  if (clock > vehicle.shiftEndS) return { ok: false, reason: 'shift-ended' };
  return { ok: true, atS, distanceM, endS: clock };
}
