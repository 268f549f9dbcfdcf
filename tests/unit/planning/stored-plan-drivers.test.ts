/**
 * A stored plan's drivers (issue #18, item 3): every change to a stored plan is checked against the
 * round's roster too, and an urgent trip of its own gets a driver on shift, as the planner chooses.
 */
import { describe, expect, it } from 'vitest';
import type { NeedForPlan, VehicleForPlan } from '../../../src/planning/adapters/round-problem';
import { checkStoredPlan, withDriverFor, type StoredPlan } from '../../../src/planning/adapters/stored-plan';
import type { PlanRoster } from '../../../src/planning/adapters/plan-drivers';

const H = 3600;
const van = (id: string, extra: Partial<VehicleForPlan> = {}): VehicleForPlan => ({ id, depotId: 'd1', depotLat: 31.2, depotLon: 121.45, capacity: { bags: 30 }, skills: [], maxTrips: 3, ...extra });
const need = (id: string, k: number): NeedForPlan => ({ id, kind: 'rice', urgency: 'routine', corridorId: `c${k}`, members: 2, quantity: 20, lat: 31.2 + 0.01 * k, lon: 121.45 });
const roster: PlanRoster = {
  templated: ['d1'],
  limits: { maxDrivingS: 8 * H, maxContinuousS: 4 * H, minBreakS: 1200 },
  duties: [
    { driverId: 'early', pool: 'd1', depotId: 'd1', start: 0, end: 2 * H, licences: [] },
    { driverId: 'late', pool: 'd1', depotId: 'd1', start: 2 * H, end: 10 * H, licences: ['C1'] },
  ],
};
const plan = (trips: { id: string; departS: number; driver: string | null }[], vehicles = [van('v1')]): StoredPlan => ({
  vehicles,
  trips: trips.map((t, i) => ({ id: t.id, vehicleId: 'v1', tripNo: i + 1, departS: t.departS, stops: [{ id: `s${i}`, corridorId: `c${i + 1}`, needs: [need(`n${i}`, i + 1)] }] })),
  drivers: { roster, driverOf: new Map(trips.map((t) => [t.id, t.driver])) },
});
const rules = (p: StoredPlan) => [...new Set(checkStoredPlan(p).breaks.map((b) => b.rule))];

describe('a stored plan\'s drivers', () => {
  it('keeps the roster: a driver on shift over each trip, the licence class, no trip without a driver', () => {
    expect(rules(plan([{ id: 'a', departS: 0, driver: 'early' }, { id: 'b', departS: 3 * H, driver: 'late' }]))).toEqual([]);
    // Running past the early driver's shift end.
    expect(rules(plan([{ id: 'a', departS: 2 * H - 60, driver: 'early' }]))).toEqual(['driver']);
    expect(rules(plan([{ id: 'a', departS: 0, driver: null }]))).toEqual(['driver']);
    expect(rules(plan([{ id: 'a', departS: 0, driver: 'early' }], [van('v1', { licenceClass: 'C1' })]))).toEqual(['driver:licence']);
  });

  it('an urgent trip of its own gets the driver on shift then, or none (and the check names the rule)', () => {
    const base = plan([{ id: 'a', departS: 0, driver: 'early' }, { id: '', departS: 4 * H, driver: null }]);
    const driven = withDriverFor(base, '');
    expect(driven.drivers!.driverOf.get('')).toBe('late');
    expect(checkStoredPlan(driven).ok).toBe(true);
    const night = plan([{ id: '', departS: 11 * H, driver: null }]);
    expect(rules(withDriverFor(night, ''))).toContain('driver');
  });
});
