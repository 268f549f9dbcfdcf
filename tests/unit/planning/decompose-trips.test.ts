/**
 * Border repair on multi-trip shifts: a vehicle's later trips leave after the earlier ones are back
 * and reloaded; the repair must keep each trip's departure and never grow a trip into the next one.
 * (It used to re-time every route from the shift's start, so trips overlapped and validation failed.)
 */
import { describe, expect, it } from 'vitest';
import { solve } from '../../../src/planning/solve';
import { validateSolution } from '../../../src/planning/validate/solution.validate';
import { decomposeDistrict, mergeAndRepair, mergeSubSolutions, repairBorders } from '../../../src/planning/decompose';
import { generateDistrict } from '../../../src/planning/decompose/district.generate';
import type { DistrictProblem } from '../../../src/planning/decompose';

/** A district whose few vans must each load several times (short shift, small capacity). */
function multiTripDistrict(seed: number): DistrictProblem {
  const d = generateDistrict({ stops: 160, vehicles: 8, communities: 4, depots: 2, seed });
  return {
    ...d,
    problem: {
      ...d.problem,
      vehicles: d.problem.vehicles.map((v) => ({ ...v, capacity: [40, 400], maxTrips: 4, reloadTime: 900 })),
    },
  };
}

const solveAll = (d: DistrictProblem, maxStops: number) =>
  decomposeDistrict(d, { maxStops }).map((sub) => ({ sub, solution: solve(sub.problem, { seed: 1, maxIterations: 150 }) }));

describe('border repair with multi-trip shifts', () => {
  it('keeps departures and trip numbers, and the repaired plan validates', () => {
    for (const seed of [1, 2, 3]) {
      const d = multiTripDistrict(seed);
      const parts = solveAll(d, 40);
      const merged = mergeSubSolutions(d.problem, parts);
      // The premise: some vehicle really runs several trips.
      const perVehicle = new Map<number, number>();
      for (const r of merged.routes) perVehicle.set(r.vehicle, (perVehicle.get(r.vehicle) ?? 0) + 1);
      expect(Math.max(...perVehicle.values())).toBeGreaterThan(1);

      const plan = mergeAndRepair(d.problem, parts);
      expect(plan.validation.violations).toEqual([]);
      expect(plan.solution.routes.reduce((s, r) => s + r.stops.length, 0) + plan.solution.unserved.length).toBe(160);
      for (const r of plan.solution.routes) {
        const before = merged.routes.find((m) => m.vehicle === r.vehicle && m.trip === r.trip);
        // A trip that existed before the repair leaves when it left before; a new one is a fresh vehicle's first.
        if (before) expect(r.departure).toBe(before.departure);
        else expect(merged.routes.some((m) => m.vehicle === r.vehicle)).toBe(false);
      }
    }
  });

  it('never grows a trip past the departure of the same vehicle\'s next trip', () => {
    const d = multiTripDistrict(4);
    const merged = mergeSubSolutions(d.problem, solveAll(d, 30));
    const { solution } = repairBorders(d.problem, merged, { underFilled: 0.9 });
    expect(validateSolution(d.problem, solution).violations).toEqual([]);
    const reload = 900;
    for (const v of new Set(solution.routes.map((r) => r.vehicle))) {
      const trips = solution.routes.filter((r) => r.vehicle === v).sort((a, b) => (a.departure ?? 0) - (b.departure ?? 0));
      for (let i = 1; i < trips.length; i++) {
        expect(trips[i]!.departure!).toBeGreaterThanOrEqual((trips[i - 1]!.departure ?? 0) + trips[i - 1]!.duration + reload - 1e-6);
      }
    }
  });
});
