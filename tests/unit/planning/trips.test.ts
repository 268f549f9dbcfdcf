import { describe, expect, it } from 'vitest';
import type { PlannedRoute, Problem, Vehicle } from '../../../src/planning/model/problem.types';
import { solve } from '../../../src/planning/solve';
import { validateSolution } from '../../../src/planning/validate/solution.validate';

// Depot at the origin, 8 stops of 1 bag on two sides (distance = duration, speed 1). Two vans
// of 2 bags need 4 trips in all: 2 each when the shift allows it.
const points = [{ x: 0, y: 0 }, ...[10, 12, 14, 16].flatMap((x) => [{ x, y: 0 }, { x: -x, y: 0 }])];
const problemWith = (vehicle: Partial<Vehicle>, window?: readonly [number, number]): Problem => ({
  dimensions: ['bags'],
  depots: [{ id: 'd', location: 0 }],
  stops: points.slice(1).map((_, i) => ({ id: `s${i}`, location: i + 1, demand: [1], serviceTime: 2, ...(i === 0 && window ? { window } : {}) })),
  vehicles: ['v1', 'v2'].map((id) => ({ id, depot: 0, capacity: [2], shift: [0, 1000] as const, ...vehicle })),
  travel: { kind: 'euclid', points },
});
const options = { maxIterations: 2000, seed: 3 };

/** Each vehicle's trips as [leave, back] spans, in trip order. */
function spans(routes: readonly PlannedRoute[], vehicle: number): [number, number][] {
  return routes.filter((r) => r.vehicle === vehicle).sort((a, b) => (a.trip ?? 0) - (b.trip ?? 0))
    .map((r) => [r.departure ?? 0, (r.departure ?? 0) + r.duration]);
}

describe('multi-trip planning', () => {
  it('serves everything with two trips per vehicle, trips back to back without overlap', () => {
    const problem = problemWith({ maxTrips: 2, reloadTime: 5 });
    const s = solve(problem, options);
    expect(s.unserved).toEqual([]);
    expect(s.routes).toHaveLength(4);
    expect(validateSolution(problem, s).violations).toEqual([]);
    for (const v of [0, 1]) {
      const [first, second] = spans(s.routes, v);
      expect(second![0]).toBeGreaterThanOrEqual(first![1] + 5);
      expect(second![1]).toBeLessThanOrEqual(1000);
      expect(s.routes.filter((r) => r.vehicle === v).map((r) => r.trip).sort()).toEqual([0, 1]);
    }
  });

  it('with one trip each, leaves the extra stops unserved with a reason', () => {
    const problem = problemWith({ maxTrips: 1 });
    const s = solve(problem, options);
    expect(s.routes).toHaveLength(2);
    expect(s.unserved).toHaveLength(4);
    expect(s.unserved.every((u) => u.reason === 'fleet-exhausted')).toBe(true);
    expect(s.routes.every((r) => r.trip === undefined)).toBe(true);
    expect(validateSolution(problem, s).ok).toBe(true);
  });

  it('returns a trip the shift has no room for as unserved, never drops it', () => {
    // A trip of 2 bags lasts at least 24 (out to x >= 12 and back): a shift of 45 holds one per vehicle.
    const problem = problemWith({ maxTrips: 2, shift: [0, 45] });
    const s = solve(problem, options);
    expect(s.routes).toHaveLength(2);
    expect(s.unserved).toHaveLength(4);
    expect(s.unserved.every((u) => u.reason === 'shift-exhausted')).toBe(true);
    expect(validateSolution(problem, s).ok).toBe(true);
  });

  it('keeps time windows when a trip is shifted later', () => {
    // s0 must be served by 12: only a first trip can reach it.
    const problem = problemWith({ maxTrips: 2 }, [0, 12]);
    const s = solve(problem, options);
    expect(validateSolution(problem, s).violations).toEqual([]);
    const withS0 = s.routes.find((r) => r.stops.includes(0));
    if (withS0) expect(withS0.trip).toBe(0);
    else expect(s.unserved.map((u) => u.stop)).toContain(0);
  });

  it('the validator rejects overlapping trips, trips beyond maxTrips and early departures', () => {
    const problem = problemWith({ maxTrips: 2, reloadTime: 5 });
    const trip = (stops: number[], departure: number, t: number): PlannedRoute =>
      ({ vehicle: 0, stops, distance: 0, duration: 0, cost: 0, load: [], starts: [], departure, trip: t });
    const rest = [trip([1, 3], 200, 0), trip([5, 7], 300, 1)].map((r) => ({ ...r, vehicle: 1 }));
    const overlap = validateSolution(problem, { routes: [trip([0, 2], 0, 0), trip([4, 6], 30, 1), ...rest], unserved: [], cost: 0, distance: 0 });
    expect(overlap.violations.join('\n')).toMatch(/before route 1 is back and reloaded/);
    const three = validateSolution(problem, { routes: [trip([0], 0, 0), trip([2], 100, 1), trip([4, 6], 200, 2), ...rest], unserved: [], cost: 0, distance: 0 });
    expect(three.violations.join('\n')).toMatch(/used more than 2/);
    const early = validateSolution({ ...problem, vehicles: problem.vehicles.map((v) => ({ ...v, shift: [50, 1000] as const })) },
      { routes: [trip([0, 2], 0, 0), trip([4, 6], 100, 1), ...rest], unserved: [], cost: 0, distance: 0 });
    expect(early.violations.join('\n')).toMatch(/before the shift starts/);
  });
});
