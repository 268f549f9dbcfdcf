import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { haversineMetres } from '../../src/planning/model/travel.matrix';
import { planTransport } from '../../src/planning/transport/transport.plan';
import type { GeoPoint, TransportInput, TransportPlan, TransportRequest, TransportVehicle } from '../../src/planning/transport/transport.types';

const HOME: GeoPoint = { lat: 31.2, lon: 121.45 };
const HOSPITAL: GeoPoint = { lat: 31.23, lon: 121.48 }; // ~4.3 km away, ~11 min at 30 km/h with the road factor
const DEPOT: GeoPoint = { lat: 31.21, lon: 121.44 };
const HOUR = 3600;

const vehicle = (id: string, extra: Partial<TransportVehicle> = {}): TransportVehicle => ({
  id, driverId: `d-${id}`, start: DEPOT, seats: 4, skills: [], availableFromS: 0, shiftEndS: 12 * HOUR, ...extra,
});
const request = (id: string, extra: Partial<TransportRequest> = {}): TransportRequest => ({
  id, pickup: HOME, drop: HOSPITAL, earliestPickupS: 0, latestDropS: 2 * HOUR, seats: 1,
  wheelchair: false, escort: false, isolated: false, goods: false, ...extra,
});
const plan = (pending: TransportRequest[], vehicles: TransportVehicle[], rest: Partial<TransportInput> = {}): TransportPlan =>
  planTransport({ vehicles, trips: [], assigned: [], pending, ...rest });

/** Independent check of a plan against the rules (own travel times, not the planner's). */
function violations(input: TransportInput, out: TransportPlan): string[] {
  const bad: string[] = [];
  const reqs = new Map([...input.assigned, ...input.pending].map((r) => [r.id, r]));
  const drive = (a: GeoPoint, b: GeoPoint) => (haversineMetres(a, b) * 1.3) / (30 / 3.6);
  const service = (r: TransportRequest) => (r.wheelchair ? 420 : 180);
  const seen = new Map<string, number>();
  for (const a of out.assignments) seen.set(a.requestId, (seen.get(a.requestId) ?? 0) + 1);
  for (const u of out.unserved) seen.set(u.requestId, (seen.get(u.requestId) ?? 0) + 1);
  for (const r of input.pending) if (seen.get(r.id) !== 1) bad.push(`${r.id} placed ${seen.get(r.id) ?? 0} times`);
  for (const trip of out.trips) {
    const v = input.vehicles.find((x) => x.id === trip.vehicleId)!;
    const ids = new Set(trip.stops.map((s) => s.requestId));
    let seats = 0;
    let prevAt = trip.startS;
    let prevPoint = trip.start;
    let prevService = 0;
    trip.stops.forEach((s, k) => {
      const r = reqs.get(s.requestId)!;
      const point = s.type === 'pickup' ? r.pickup : r.drop;
      if (s.atS + 1e-6 < prevAt + prevService + drive(prevPoint, point)) bad.push(`${trip.id}: stop ${k} served before the car could be there`);
      if (s.type === 'pickup') {
        seats += r.seats;
        if (s.atS < r.earliestPickupS - 1e-6) bad.push(`${r.id} picked up early`);
      } else {
        const p = trip.stops.findIndex((x) => x.requestId === r.id && x.type === 'pickup');
        if (p < 0 || p > k) bad.push(`${r.id} dropped before pickup`);
        else if (r.maxRideS !== undefined && s.atS - trip.stops[p]!.atS > r.maxRideS + 1e-6) bad.push(`${r.id} rode too long`);
        if (s.atS > r.latestDropS + 1e-6) bad.push(`${r.id} late for the appointment`);
        seats -= r.seats;
      }
      if (seats > v.seats) bad.push(`${trip.id}: over seats`);
      if ((r.wheelchair && !v.skills.includes('wheelchair')) || (r.escort && !v.skills.includes('escort'))) bad.push(`${r.id}: vehicle lacks skills`);
      if (r.isolated && ids.size > 1) bad.push(`${r.id}: isolated but shares the trip`);
      prevAt = s.atS;
      prevPoint = point;
      prevService = service(r);
    });
  }
  const byVehicle = new Map<string, TransportPlan['trips']>();
  for (const trip of out.trips) byVehicle.set(trip.vehicleId, [...(byVehicle.get(trip.vehicleId) ?? []), trip]);
  for (const list of byVehicle.values()) {
    const sorted = [...list].sort((a, b) => a.startS - b.startS);
    for (let k = 1; k < sorted.length; k++) if (sorted[k]!.startS < sorted[k - 1]!.endS - 1e-6) bad.push(`${sorted[k]!.id} overlaps ${sorted[k - 1]!.id}`);
  }
  return bad;
}

describe('transport planner', () => {
  it('picks up before it drops, and drops by the appointment time', () => {
    const out = plan([request('a', { latestDropS: 3600 })], [vehicle('v1')]);
    const trip = out.trips[0]!;
    expect(trip.stops.map((s) => s.type)).toEqual(['pickup', 'drop']);
    expect(trip.stops[1]!.atS).toBeLessThanOrEqual(3600);
    expect(out.unserved).toEqual([]);
  });

  it('waits for the earliest pickup and refuses an appointment nothing can reach', () => {
    const out = plan([request('early', { earliestPickupS: HOUR, latestDropS: 3 * HOUR }), request('late', { latestDropS: 300 })], [vehicle('v1')]);
    expect(out.trips[0]!.stops[0]!.atS).toBeCloseTo(HOUR, 3);
    expect(out.unserved).toEqual([{ requestId: 'late', reason: 'appointment-unreachable' }]);
  });

  it('shares a trip when it is cheaper than a dedicated one, and never with an isolated passenger', () => {
    const shared = plan([request('a'), request('b')], [vehicle('v1'), vehicle('v2')]);
    expect(shared.trips).toHaveLength(1);
    expect(shared.trips[0]!.stops).toHaveLength(4);
    const isolated = plan([request('a'), request('b', { isolated: true })], [vehicle('v1'), vehicle('v2')]);
    expect(isolated.trips).toHaveLength(2);
    for (const t of isolated.trips) expect(new Set(t.stops.map((s) => s.requestId)).size).toBe(1);
  });

  it('keeps an isolated passenger off a trip carrying goods', () => {
    const goods = request('g', { goods: true, seats: 0 });
    const input: TransportInput = {
      vehicles: [vehicle('v1')],
      trips: [{ id: 't1', vehicleId: 'v1', startS: 0, start: DEPOT, stops: [{ requestId: 'g', type: 'pickup' }, { requestId: 'g', type: 'drop' }] }],
      assigned: [goods],
      pending: [request('p', { isolated: true, latestDropS: 6 * HOUR })],
    };
    const out = planTransport(input);
    expect(out.assignments[0]!.tripId).not.toBe('t1');
    expect(violations(input, out)).toEqual([]);
  });

  it('asks for wheelchair and escort skills and enough seats', () => {
    const out = plan(
      [request('wc', { wheelchair: true }), request('es', { escort: true }), request('big', { seats: 6 })],
      [vehicle('plain'), vehicle('wheel', { skills: ['wheelchair'] })],
    );
    expect(out.assignments.find((a) => a.requestId === 'wc')).toBeDefined();
    expect(out.trips.find((t) => t.stops.some((s) => s.requestId === 'wc'))!.vehicleId).toBe('wheel');
    expect(out.unserved).toEqual(expect.arrayContaining([
      { requestId: 'es', reason: 'no-vehicle-with-skills' },
      { requestId: 'big', reason: 'no-vehicle-with-seats' },
    ]));
  });

  it('inserts nothing before the stops already under way', () => {
    const first = request('first', { pickup: HOSPITAL, drop: HOME, latestDropS: 5 * HOUR });
    const input: TransportInput = {
      vehicles: [vehicle('v1')],
      trips: [{ id: 't1', vehicleId: 'v1', startS: 0, start: DEPOT, stops: [{ requestId: 'first', type: 'pickup' }, { requestId: 'first', type: 'drop' }], lockedStops: 1 }],
      assigned: [first],
      pending: [request('new', { latestDropS: 5 * HOUR })],
    };
    const out = planTransport(input);
    const t1 = out.trips.find((t) => t.id === 't1');
    if (t1) expect(t1.stops[0]!.requestId).toBe('first');
    expect(violations(input, out)).toEqual([]);
  });

  it('serves an emergency first, on the vehicle that gets there soonest', () => {
    const near = vehicle('near', { start: HOME });
    const far = vehicle('far', { start: { lat: 31.3, lon: 121.6 } });
    const out = plan([request('routine', { latestDropS: 8 * HOUR }), request('sos', { urgent: true, latestDropS: 8 * HOUR })], [far, near]);
    const sos = out.trips.find((t) => t.stops.some((s) => s.requestId === 'sos'))!;
    expect(sos.vehicleId).toBe('near');
  });

  const point = fc.record({ lat: fc.double({ min: 31.18, max: 31.26, noNaN: true }), lon: fc.double({ min: 121.4, max: 121.5, noNaN: true }) });
  const req = (i: number) => fc.record({
    pickup: point, drop: point, earliest: fc.integer({ min: 0, max: 4 * HOUR }), span: fc.integer({ min: 600, max: 4 * HOUR }),
    seats: fc.integer({ min: 0, max: 3 }), wheelchair: fc.boolean(), escort: fc.boolean(), isolated: fc.boolean(), goods: fc.boolean(),
    urgent: fc.boolean(), maxRideS: fc.option(fc.integer({ min: 600, max: 3 * HOUR }), { nil: undefined }),
  }).map((x): TransportRequest => ({
    id: `r${i}`, pickup: x.pickup, drop: x.drop, earliestPickupS: x.earliest, latestDropS: x.earliest + x.span, seats: x.seats,
    wheelchair: x.wheelchair && x.seats > 0, escort: x.escort, isolated: x.isolated && !x.goods, goods: x.goods, urgent: x.urgent,
    ...(x.maxRideS !== undefined ? { maxRideS: x.maxRideS } : {}),
  }));
  const veh = (i: number) => fc.record({ start: point, seats: fc.integer({ min: 1, max: 4 }), wheelchair: fc.boolean(), escort: fc.boolean(), from: fc.integer({ min: 0, max: 2 * HOUR }) })
    .map((x): TransportVehicle => ({ id: `v${i}`, driverId: null, start: x.start, seats: x.seats, skills: [...(x.wheelchair ? ['wheelchair'] : []), ...(x.escort ? ['escort'] : [])], availableFromS: x.from, shiftEndS: 10 * HOUR }));
  const instance = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 3 })).chain(([n, m]) =>
    fc.record({ pending: fc.tuple(...Array.from({ length: n }, (_, i) => req(i))), vehicles: fc.tuple(...Array.from({ length: m }, (_, i) => veh(i))) }));

  it('property: every plan keeps pickup-before-drop, windows, seats, skills, isolation; is deterministic', () => {
    fc.assert(
      fc.property(instance, ({ pending, vehicles }) => {
        const input: TransportInput = { vehicles, trips: [], assigned: [], pending };
        const out = planTransport(input);
        expect(violations(input, out)).toEqual([]);
        expect(planTransport(input)).toEqual(out);
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('property: inserting into existing trips keeps every rule for old and new requests, and never moves served stops', () => {
    fc.assert(
      fc.property(instance, instance, fc.integer({ min: 0, max: 3 }), ({ pending, vehicles }, later, lockedWish) => {
        const first = planTransport({ vehicles, trips: [], assigned: [], pending });
        const placed = new Set(first.assignments.map((a) => a.requestId));
        const trips = first.trips.map((t) => ({ id: t.id, vehicleId: t.vehicleId, startS: t.startS, start: t.start, stops: t.stops.map(({ requestId, type }) => ({ requestId, type })), lockedStops: Math.min(lockedWish, t.stops.length) }));
        const fresh = later.pending.map((r) => ({ ...r, id: `n${r.id}` }));
        const input: TransportInput = { vehicles, trips, assigned: pending.filter((r) => placed.has(r.id)), pending: fresh, options: { newTripId: (n) => `second-${n}` } };
        const out = planTransport(input);
        expect(violations(input, out)).toEqual([]);
        for (const t of out.trips.filter((x) => !x.created)) {
          const before = trips.find((x) => x.id === t.id)!;
          expect(t.stops.slice(0, before.lockedStops).map(({ requestId, type }) => ({ requestId, type }))).toEqual(before.stops.slice(0, before.lockedStops));
          // Old stops keep their relative order.
          const old = t.stops.filter((s) => placed.has(s.requestId)).map(({ requestId, type }) => ({ requestId, type }));
          expect(old).toEqual(before.stops);
        }
        // Trips of a vehicle never overlap, old and new together.
        const all = [...trips.filter((t) => !out.trips.some((o) => o.id === t.id)).map((t) => first.trips.find((f) => f.id === t.id)!), ...out.trips];
        for (const v of vehicles) {
          const mine = all.filter((t) => t.vehicleId === v.id).sort((a, b) => a.startS - b.startS);
          for (let k = 1; k < mine.length; k++) expect(mine[k]!.startS).toBeGreaterThanOrEqual(mine[k - 1]!.endS - 1e-6);
        }
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
