/**
 * The transport planner's insertion scan (issue #21): it must choose exactly what timing every
 * position pair with scheduleTrip chooses, and do so without re-timing the trip for every pair,
 * which made one placement on a district day take seconds under the transport-planning lock.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cheapestInsertion, type Insertion, type ScanTrip } from '../../src/planning/transport/insertion.scan';
import { planTransport } from '../../src/planning/transport/transport.plan';
import { driveS, maxRideOf, scheduleTrip, timingOf } from '../../src/planning/transport/trip-schedule';
import type { GeoPoint, TransportRequest, TransportVehicle, TripStop } from '../../src/planning/transport/transport.types';

const HOUR = 3600;
const t = timingOf();
const vehicle = (extra: Partial<TransportVehicle> = {}): TransportVehicle => ({
  id: 'v1', driverId: 'd1', start: { lat: 31.2, lon: 121.45 }, seats: 4, skills: [], availableFromS: 0, shiftEndS: 14 * HOUR, ...extra,
});
const request = (id: string, pickup: GeoPoint, drop: GeoPoint, extra: Partial<TransportRequest> = {}): TransportRequest => ({
  id, pickup, drop, earliestPickupS: 0, latestDropS: 12 * HOUR, seats: 1, wheelchair: false, escort: false, isolated: false, goods: false, ...extra,
});

/** Every position pair timed in full, the first cheapest kept: what the planner did before the scan. */
function bruteForce(trip: ScanTrip, r: TransportRequest, requests: Map<string, TransportRequest>, reaches: (endS: number, last: TripStop) => boolean) {
  const reasons = new Set<string>();
  let best: Insertion | undefined;
  for (let i = trip.locked; i <= trip.stops.length; i++) {
    for (let j = i; j <= trip.stops.length; j++) {
      const stops = [...trip.stops];
      stops.splice(j, 0, { requestId: r.id, type: 'drop' });
      stops.splice(i, 0, { requestId: r.id, type: 'pickup' });
      const timing = scheduleTrip(t, trip.vehicle, trip.startS, trip.start, stops, requests);
      if (!timing.ok) { reasons.add(timing.reason); continue; }
      if (!reaches(timing.endS, stops.at(-1)!)) { reasons.add('shift-ended'); continue; }
      const added = timing.distanceM - trip.timing.distanceM;
      const cost = r.urgent ? timing.atS[stops.findIndex((s) => s.requestId === r.id && s.type === 'drop')]! * 1000 + added : added;
      if (!best || cost < best.cost) best = { pickupAt: i, dropAt: j, cost };
    }
  }
  return { best, reasons };
}

interface Leg { pickup: GeoPoint; drop: GeoPoint; earliest: number; window: number; seats: number; wheelchair: boolean }
const place = fc.record({ lat: fc.double({ min: 31.15, max: 31.25, noNaN: true }), lon: fc.double({ min: 121.4, max: 121.5, noNaN: true }) });
const leg: fc.Arbitrary<Leg> = fc.record({
  pickup: place, drop: place, earliest: fc.integer({ min: 0, max: 6 * HOUR }), window: fc.integer({ min: 600, max: 5 * HOUR }),
  seats: fc.integer({ min: 0, max: 3 }), wheelchair: fc.boolean(),
});

describe('cheapest insertion into a trip', () => {
  it('chooses the same position pair, at the same cost, with the same broken rules as timing every pair', () => {
    fc.assert(fc.property(
      fc.array(leg, { minLength: 0, maxLength: 6 }), leg, fc.boolean(), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 4, max: 14 }), fc.integer({ min: 0, max: 3 }),
      (onTrip, mine, urgent, lockedRaw, shiftH, nextGapH) => {
        const requests = new Map<string, TransportRequest>();
        const asRequest = (id: string, l: Leg, extra: Partial<TransportRequest> = {}) =>
          request(id, l.pickup, l.drop, { earliestPickupS: l.earliest, latestDropS: l.earliest + l.window, seats: l.seats, wheelchair: l.wheelchair, ...extra });
        // The trip's legs one after another (each dropped before the next is picked up), interleaved pairwise.
        const stops: TripStop[] = [];
        onTrip.forEach((l, k) => {
          requests.set(`q${k}`, asRequest(`q${k}`, l, { latestDropS: 14 * HOUR }));
          if (k % 2 === 1) stops.splice(stops.length - 1, 0, { requestId: `q${k}`, type: 'pickup' });
          else stops.push({ requestId: `q${k}`, type: 'pickup' });
          stops.push({ requestId: `q${k}`, type: 'drop' });
        });
        const r = asRequest('r', mine, { urgent });
        requests.set('r', r);
        const v = vehicle({ shiftEndS: shiftH * HOUR });
        const timing = scheduleTrip(t, v, 0, v.start, stops, requests);
        fc.pre(timing.ok);
        if (!timing.ok) return;
        const trip: ScanTrip = { vehicle: v, startS: 0, start: v.start, stops, locked: Math.min(lockedRaw, stops.length), timing };
        const nextStart = timing.endS + nextGapH * HOUR;
        const reaches = (endS: number, last: TripStop) => {
          const q = requests.get(last.requestId)!;
          return endS + driveS(t, last.type === 'pickup' ? q.pickup : q.drop, v.start) <= nextStart;
        };
        const expected = bruteForce(trip, r, requests, reaches);
        const reasons = new Set<string>();
        const found = cheapestInsertion({ t, requests, maxRide: (q) => maxRideOf(t, q), reaches, reasons }, trip, r);
        expect(found).toEqual(expected.best);
        expect([...reasons].sort()).toEqual([...expected.reasons].sort());
      },
    ), { numRuns: 400 });
  });

  it('times each stop already planned a few times per placement, not once per pickup and drop position pair', () => {
    // A car's day: ten passengers one after another, each leg picked up an hour after the last.
    const reads = new Map<string, number>();
    const counted = (r: TransportRequest): TransportRequest => {
      const { pickup, drop, ...rest } = r;
      const o = { ...rest } as TransportRequest;
      const count = () => reads.set(r.id, (reads.get(r.id) ?? 0) + 1);
      Object.defineProperty(o, 'pickup', { get: () => (count(), pickup), enumerable: true });
      Object.defineProperty(o, 'drop', { get: () => (count(), drop), enumerable: true });
      return o;
    };
    const home = (k: number): GeoPoint => ({ lat: 31.19 + k * 0.002, lon: 121.44 + k * 0.002 });
    const hospital: GeoPoint = { lat: 31.21, lon: 121.46 };
    const assigned = Array.from({ length: 10 }, (_, k) =>
      counted(request(`q${k}`, home(k), hospital, { earliestPickupS: k * HOUR, latestDropS: k * HOUR + 2 * HOUR })));
    const stops = assigned.flatMap((q): TripStop[] => [{ requestId: q.id, type: 'pickup' }, { requestId: q.id, type: 'drop' }]);
    const pending = request('new', home(4), hospital, { earliestPickupS: 0, latestDropS: 12 * HOUR });
    const out = planTransport({
      vehicles: [vehicle()], trips: [{ id: 'day', vehicleId: 'v1', startS: 0, start: vehicle().start, stops }], assigned, pending: [pending],
      options: { newTripCostM: 1e9 },
    });
    expect(out.assignments).toEqual([{ requestId: 'new', tripId: 'day' }]);
    // 231 position pairs: timing each in full read every stop's place about 231 times.
    for (const q of assigned) expect(reads.get(q.id), q.id).toBeLessThanOrEqual(16);
  });
});
