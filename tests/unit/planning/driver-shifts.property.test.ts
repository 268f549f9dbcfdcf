/**
 * Drivers on shift (issue #18, item 3): the assignment of drivers to trips keeps every shift and
 * driving rule, reports each trip it cannot cover, and the roster keeps duty and rest limits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignDrivers, checkDrivers, rosterBreak, vehicleHours, type Duty, type TripToDrive } from '../../../src/planning/shifts';
import { DEFAULT_DRIVER_LIMITS } from '../../../src/domain/shifts';
import { solve, validateSolution } from '../../../src/planning';
import { crosses } from '../../../src/planning/routing/trips.assign';
import { randomProblem } from './problem.generator';

const H = 3600;
const limits = { maxDrivingS: 8 * H, maxContinuousS: 4 * H, minBreakS: 20 * 60 };

const dutyArb = fc.record({
  driver: fc.integer({ min: 0, max: 5 }),
  pool: fc.constantFrom('A', 'B'),
  start: fc.integer({ min: -4, max: 16 }).map((h) => h * H),
  length: fc.constantFrom(4 * H, 8 * H, 12 * H),
  licences: fc.subarray(['B', 'C1']),
});
const tripArb = fc.record({
  vehicle: fc.integer({ min: 0, max: 4 }),
  start: fc.integer({ min: -4 * 60, max: 24 * 60 }).map((m) => m * 60),
  length: fc.integer({ min: 10, max: 300 }).map((m) => m * 60),
  licence: fc.constantFrom(null, 'C1'),
});

type Gen<A> = A extends fc.Arbitrary<infer T> ? T : never;

function world(ds: Gen<typeof dutyArb>[], ts: Gen<typeof tripArb>[]): { duties: Duty[]; trips: TripToDrive[] } {
  const duties = ds.map((d) => ({ driverId: `d${d.driver}`, pool: d.pool, depotId: d.pool, start: d.start, end: d.start + d.length, licences: d.licences }));
  // A vehicle's trips never overlap (as a plan's do): each starts after the previous one ends.
  const byVehicle = new Map<number, number>();
  const trips = ts.map((t, i) => {
    const start = Math.max(t.start, byVehicle.get(t.vehicle) ?? -Infinity);
    byVehicle.set(t.vehicle, start + t.length);
    const pool = t.vehicle % 2 ? 'B' : 'A';
    return { id: `t${i}`, vehicleId: `v${t.vehicle}`, depotId: pool, pool, start, end: start + t.length, licence: t.licence };
  });
  return { duties, trips };
}

describe('driver assignment', () => {
  it('every assigned trip is inside its driver\'s shifts, one trip at a time, within the licence and driving limits; every other trip is reported', () => {
    fc.assert(fc.property(fc.array(dutyArb, { maxLength: 10 }), fc.array(tripArb, { maxLength: 25 }), (ds, ts) => {
      const { duties, trips } = world(ds, ts);
      const { driverOf, undriven } = assignDrivers(trips, duties, limits);
      const assigned = trips.filter((t) => driverOf.has(t.id));
      expect(checkDrivers(assigned, driverOf, duties, limits)).toEqual([]);
      // Never silently unassigned: each trip has a driver or is reported, never both.
      expect(new Set([...driverOf.keys(), ...undriven.map((u) => u.tripId)]).size).toBe(trips.length);
      expect(assigned.length + undriven.length).toBe(trips.length);
      // A reported trip really has no driver left: giving it to any rostered driver breaks a rule.
      for (const u of undriven) {
        const trip = trips.find((t) => t.id === u.tripId)!;
        for (const d of new Set(duties.map((x) => x.driverId))) {
          const withIt = new Map([...driverOf, [trip.id, d]]);
          expect(checkDrivers([...assigned, trip], withIt, duties, limits).length).toBeGreaterThan(0);
        }
      }
    }), { numRuns: 300 });
  });

  it('a lone trip inside a shift of a driver with the licence gets that driver', () => {
    fc.assert(fc.property(dutyArb, fc.integer({ min: 0, max: 100 }), (d, offset) => {
      const { duties } = world([d], []);
      const duty = duties[0]!;
      const start = duty.start + Math.min(offset * 60, duty.end - duty.start - 600);
      const trip: TripToDrive = { id: 't', vehicleId: 'v', depotId: duty.pool, pool: duty.pool, start, end: Math.min(start + 600, duty.end), licence: null };
      expect(assignDrivers([trip], duties, limits).driverOf.get('t')).toBe(duty.driverId);
    }));
  });

  it('a trip across a shift end goes to nobody unless the same driver continues on the next shift', () => {
    const trip: TripToDrive = { id: 't', vehicleId: 'v', depotId: 'A', pool: 'A', start: 7 * H, end: 9 * H, licence: null };
    const early = { driverId: 'x', pool: 'A', depotId: 'A', start: 0, end: 8 * H, licences: [] };
    const late = { driverId: 'y', pool: 'A', depotId: 'A', start: 8 * H, end: 16 * H, licences: [] };
    expect(assignDrivers([trip], [early, late], limits).undriven).toEqual([{ tripId: 't', rule: 'driver' }]);
    expect(assignDrivers([trip], [early, { ...late, driverId: 'x' }], limits).driverOf.get('t')).toBe('x');
  });

  it('the later trips of a vehicle spanning a shift change go to the next shift\'s driver, each shift keeps its driver on the vehicle', () => {
    const trips: TripToDrive[] = [0, 2, 4, 9, 11].map((h, i) => ({ id: `t${i}`, vehicleId: 'v', depotId: 'A', pool: 'A', start: h * H, end: (h + 1.5) * H, licence: null }));
    const duties = [
      { driverId: 'morning', pool: 'A', depotId: 'A', start: 0, end: 8 * H, licences: [] },
      { driverId: 'other', pool: 'A', depotId: 'A', start: 0, end: 8 * H, licences: [] },
      { driverId: 'evening', pool: 'A', depotId: 'A', start: 8 * H, end: 16 * H, licences: [] },
    ];
    const { driverOf, undriven } = assignDrivers(trips, duties, limits);
    expect(undriven).toEqual([]);
    expect(trips.map((t) => driverOf.get(t.id))).toEqual(['morning', 'morning', 'morning', 'evening', 'evening']);
  });
});

describe('vehicle hours from the shifts', () => {
  it('the vehicle is available over its staffed shifts only: pauses cover every gap and every shift end inside, a stretch no longer than a shift', () => {
    fc.assert(fc.property(fc.array(dutyArb, { maxLength: 8 }), (ds) => {
      const { duties } = world(ds, []);
      const hours = vehicleHours({ pool: 'A', licence: null }, duties);
      const mine = duties.filter((d) => d.pool === 'A');
      if (!mine.length) return void expect(hours).toBeNull();
      expect(hours!.shift).toEqual([Math.min(...mine.map((d) => d.start)), Math.max(...mine.map((d) => d.end))]);
      // Any instant outside every pause and inside the shift is covered by some duty.
      for (let t = hours!.shift[0]; t < hours!.shift[1]; t += 900) {
        const paused = hours!.pauses.some(([a, b]) => a < t && t < b);
        if (!paused) expect(mine.some((d) => d.start <= t && t <= d.end)).toBe(true);
      }
      for (const d of mine) if (d.end < hours!.shift[1]) expect(hours!.pauses.some(([a]) => a === d.end)).toBe(true);
      expect(hours!.stretchS).toBeLessThanOrEqual(Math.max(...mine.map((d) => d.end - d.start)));
    }));
  });
});

describe('routing around shift changes', () => {
  it('no trip runs across a vehicle\'s handover or through a stretch nobody is on shift; the validator refuses one that does', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 100, max: 300 }), fc.integer({ min: 1, max: 3 }), (seed, handover, trips) => {
      const base = randomProblem({ stops: 14, vehicles: 2, seed });
      const pauses = [[handover, handover], [handover + 200, handover + 260]] as const;
      const problem = { ...base, vehicles: base.vehicles.map((v) => ({ ...v, shift: [0, 900] as const, maxDuration: 250, maxTrips: trips, pauses })) };
      const solution = solve(problem, { timeLimitMs: 30, seed: 1 });
      expect(validateSolution(problem, solution).ok).toBe(true);
      for (const r of solution.routes) {
        const from = r.departure ?? 0;
        for (const [a, b] of pauses) expect(crosses(from, from + r.duration, a, b)).toBe(false);
      }
      const moved = solution.routes.find((r) => r.duration > 2);
      if (moved) {
        const across = { ...solution, routes: solution.routes.map((r) => (r === moved ? { ...r, departure: handover - 1 } : r)) };
        expect(validateSolution(problem, across).issues.map((i) => i.rule)).toContain('shift');
      }
    }), { numRuns: 25 });
  });
});

describe('roster rules', () => {
  const day = (d: string, fromH: number, lengthH: number) => {
    const start = Date.parse(`${d}T00:00:00Z`) + fromH * H * 1000;
    return { start, end: start + lengthH * H * 1000, date: d };
  };
  it('no overlap, at most the daily duty, at least the rest between duties, whatever the order shifts are added in', () => {
    const shiftArb = fc.record({ day: fc.integer({ min: 1, max: 4 }), from: fc.integer({ min: 0, max: 23 }), length: fc.constantFrom(4, 8, 12) });
    fc.assert(fc.property(fc.array(shiftArb, { maxLength: 12 }), (xs) => {
      const kept: ReturnType<typeof day>[] = [];
      for (const x of xs) {
        const s = day(`2026-12-0${x.day}`, x.from, x.length);
        if (!rosterBreak(kept, s, DEFAULT_DRIVER_LIMITS)) kept.push(s);
      }
      kept.sort((a, b) => a.start - b.start);
      for (let i = 1; i < kept.length; i++) {
        const gap = kept[i]!.start - kept[i - 1]!.end;
        expect(gap === 0 || gap >= DEFAULT_DRIVER_LIMITS.minRestMin * 60_000).toBe(true);
      }
      for (const d of new Set(kept.map((s) => s.date))) {
        expect(kept.filter((s) => s.date === d).reduce((sum, s) => sum + s.end - s.start, 0)).toBeLessThanOrEqual(DEFAULT_DRIVER_LIMITS.maxDutyMin * 60_000);
      }
    }));
  });
  it('names the rule: a second shift the same day beyond the hours, a shift too soon after another', () => {
    expect(rosterBreak([day('2026-12-01', 6, 12)], day('2026-12-01', 18, 12), DEFAULT_DRIVER_LIMITS)?.rule).toBe('roster:duty-hours');
    expect(rosterBreak([day('2026-12-01', 6, 8)], day('2026-12-01', 18, 4), DEFAULT_DRIVER_LIMITS)?.rule).toBe('roster:rest');
    expect(rosterBreak([day('2026-12-01', 6, 8)], day('2026-12-01', 10, 4), DEFAULT_DRIVER_LIMITS)?.rule).toBe('roster:overlap');
    expect(rosterBreak([day('2026-12-01', 6, 8)], day('2026-12-02', 6, 8), DEFAULT_DRIVER_LIMITS)).toBeNull();
  });
});
