/**
 * The cheapest feasible place for one request's pickup and drop in an existing trip. It gives what
 * timing every position pair with scheduleTrip gives (same winner, same cost to the last bit, same
 * first broken rule per pair), without its work: the stops before the pickup keep the trip's current
 * timing, the pickup and the stops up to the drop are driven once for every drop position after
 * them, and every leg is measured once. Timing each pair anew made one placement cost seconds of
 * haversines and copies on a district day, under the transport-planning lock (issue #21).
 * The planner still times the winner with scheduleTrip, which checks every rule again.
 */
import { roadMetres, serviceOf, type Timing } from './trip-schedule';
import type { GeoPoint, TransportRequest, TransportVehicle, TripStop } from './transport.types';

export interface ScanTrip {
  vehicle: TransportVehicle;
  startS: number;
  start: GeoPoint;
  stops: readonly TripStop[];
  /** Stops nothing is inserted before. */
  locked: number;
  /** The trip's timing now: service start of each stop, and its length. */
  timing: { atS: readonly number[]; distanceM: number };
}

export interface ScanContext {
  t: Timing;
  requests: ReadonlyMap<string, TransportRequest>;
  /** The longest ride of a request (maxRideOf, computed once per request). */
  maxRide: (r: TransportRequest) => number;
  /** A trip ending at `endS` with `last` still reaches the vehicle's next trip. */
  reaches: (endS: number, last: TripStop) => boolean;
  /** Rules broken by the positions that failed, as scheduleTrip names them. */
  reasons: Set<string>;
}

/** Pickup before stop `pickupAt`, drop before stop `dropAt` of the trip as it is (pickupAt <= dropAt). */
export interface Insertion { pickupAt: number; dropAt: number; cost: number }

const pointOf = (r: TransportRequest, type: TripStop['type']): GeoPoint => (type === 'pickup' ? r.pickup : r.drop);

/** The first cheapest insertion in (pickup, drop) position order, or undefined when none is feasible. */
export function cheapestInsertion(ctx: ScanContext, trip: ScanTrip, r: TransportRequest): Insertion | undefined {
  const { t, requests, reasons } = ctx;
  const n = trip.stops.length;
  const req = trip.stops.map((s) => requests.get(s.requestId)!);
  const pt = trip.stops.map((s, k) => pointOf(req[k]!, s.type));
  const pick = trip.stops.map((s) => s.type === 'pickup');
  const svc = req.map((q) => serviceOf(t, q));
  const ride = req.map((q, k) => (pick[k] ? 0 : ctx.maxRide(q)));
  // Where each drop's pickup is; the legs between consecutive stops; the state after each stop.
  const pickupOf = new Map<string, number>();
  const pairPick = trip.stops.map((s, k) => (s.type === 'pickup' ? (pickupOf.set(s.requestId, k), -1) : pickupOf.get(s.requestId)!));
  const legM = pt.map((p, k) => roadMetres(t, k === 0 ? trip.start : pt[k - 1]!, p));
  const distAfter: number[] = [];
  const seatsAfter: number[] = [];
  let d = 0;
  let s = 0;
  for (let k = 0; k < n; k++) {
    d += legM[k]!;
    s += pick[k] ? req[k]!.seats : -req[k]!.seats;
    distAfter.push(d);
    seatsAfter.push(s);
  }
  const toDrop = pt.map((p) => roadMetres(t, p, r.drop));
  const fromDrop = pt.map((p) => roadMetres(t, r.drop, p));
  const pickupToDrop = roadMetres(t, r.pickup, r.drop);
  const rSvc = serviceOf(t, r);
  const rRide = ctx.maxRide(r);
  const cap = trip.vehicle.seats;
  const speed = t.speedMps;
  const at = new Array<number>(n).fill(0);
  let best: Insertion | undefined;

  // Drives original stop k after `m` metres; returns the rule it breaks, or null. Writes at[k].
  let clock = 0;
  let dist = 0;
  let seats = 0;
  let iNow = 0;
  const drive = (k: number, m: number): string | null => {
    dist += m;
    clock += m / speed;
    const q = req[k]!;
    if (pick[k]) {
      clock = Math.max(clock, q.earliestPickupS);
      seats += q.seats;
      if (seats > cap) return 'seats';
    } else {
      const picked = pairPick[k]! < iNow ? trip.timing.atS[pairPick[k]!]! : at[pairPick[k]!]!;
      if (clock > q.latestDropS) return 'appointment-unreachable';
      if (clock - picked > ride[k]!) return 'ride-time-exceeded';
      seats -= q.seats;
    }
    at[k] = clock;
    clock += svc[k]!;
    return null;
  };

  for (let i = trip.locked; i <= n; i++) {
    iNow = i;
    clock = i === 0 ? trip.startS : trip.timing.atS[i - 1]! + svc[i - 1]!;
    dist = i === 0 ? 0 : distAfter[i - 1]!;
    seats = i === 0 ? 0 : seatsAfter[i - 1]!;
    const m = roadMetres(t, i === 0 ? trip.start : pt[i - 1]!, r.pickup);
    dist += m;
    clock += m / speed;
    clock = Math.max(clock, r.earliestPickupS);
    const pickT = clock;
    seats += r.seats;
    if (seats > cap) { reasons.add('seats'); continue; }
    clock += rSvc;
    const fromPickup = i < n ? roadMetres(t, r.pickup, pt[i]!) : 0;
    for (let j = i; j <= n; j++) {
      if (j > i) {
        // The stop before this drop position joins the part every later drop position shares.
        const broken = drive(j - 1, j - 1 === i ? fromPickup : legM[j - 1]!);
        if (broken) { reasons.add(broken); break; }
      }
      const shared = { clock, dist, seats };
      const found = dropAndRest(i, j, pickT);
      if (found) {
        const cost = r.urgent ? found.dropT * 1000 + (found.dist - trip.timing.distanceM) : found.dist - trip.timing.distanceM;
        if (!best || cost < best.cost) best = { pickupAt: i, dropAt: j, cost };
      }
      ({ clock, dist, seats } = shared);
    }
  }
  return best;

  /** The drop at j, then the stops after it; the end-of-shift rules. Undefined when a rule breaks. */
  function dropAndRest(i: number, j: number, pickT: number): { dist: number; dropT: number } | undefined {
    const m = j === i ? pickupToDrop : toDrop[j - 1]!;
    dist += m;
    clock += m / speed;
    if (clock > r.latestDropS) { reasons.add('appointment-unreachable'); return undefined; }
    if (clock - pickT > rRide) { reasons.add('ride-time-exceeded'); return undefined; }
    const dropT = clock;
    seats -= r.seats;
    clock += rSvc;
    for (let k = j; k < n; k++) {
      const broken = drive(k, k === j ? fromDrop[k]! : legM[k]!);
      if (broken) { reasons.add(broken); return undefined; }
    }
    if (clock > trip.vehicle.shiftEndS) { reasons.add('shift-ended'); return undefined; }
    if (!ctx.reaches(clock, j === n ? { requestId: r.id, type: 'drop' } : trip.stops[n - 1]!)) { reasons.add('shift-ended'); return undefined; }
    return { dist, dropT };
  }
}
