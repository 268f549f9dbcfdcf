import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { solve } from '../../../src/planning/solve';
import { validateSolution } from '../../../src/planning/validate/solution.validate';
import { decomposeDistrict, mergeAndRepair, mergeSubSolutions, repairBorders } from '../../../src/planning/decompose';
import { generateDistrict } from '../../../src/planning/decompose/district.generate';

const solveAll = (d: ReturnType<typeof generateDistrict>, maxStops: number, iterations = 300) =>
  decomposeDistrict(d, { maxStops }).map((sub) => ({ sub, solution: solve(sub.problem, { seed: 1, maxIterations: iterations }) }));

describe('decomposeDistrict', () => {
  it('puts every stop in exactly one sub-problem and shares out the whole fleet', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 3, max: 120 }), fc.integer({ min: 1, max: 4 }), fc.integer(),
      (stops, vehicles, communities, maxStops, depots, seed) => {
        const d = generateDistrict({ stops, vehicles, communities, depots, seed });
        const subs = decomposeDistrict(d, { maxStops });
        const stopCount = new Array<number>(stops).fill(0);
        for (const s of subs) {
          expect(s.stops.length).toBeLessThanOrEqual(maxStops);
          expect(s.problem.stops.length).toBe(s.stops.length);
          for (const i of s.stops) stopCount[i]!++;
          // A sub-problem is one community only.
          expect(new Set(s.stops.map((i) => d.group[i]))).toEqual(new Set([s.group]));
        }
        expect(stopCount.every((c) => c === 1)).toBe(true);
        const fleet = subs.flatMap((s) => s.vehicles).sort((a, b) => a - b);
        expect(fleet).toEqual(d.problem.vehicles.map((_, v) => v));
      },
    ), { numRuns: 200 });
  });

  it('gives fleet shares roughly proportional to demand within a depot', () => {
    const d = generateDistrict({ stops: 2000, vehicles: 100, communities: 8, depots: 1, seed: 3 });
    const subs = decomposeDistrict(d, { maxStops: 400 });
    const bags = (s: (typeof subs)[number]) => s.stops.reduce((sum, i) => sum + d.problem.stops[i]!.demand[0]!, 0);
    const total = subs.reduce((s, sub) => s + bags(sub), 0);
    for (const s of subs) expect(Math.abs(s.vehicles.length - (100 * bags(s)) / total)).toBeLessThanOrEqual(1.5);
  });

  it('sub-problems are self-contained: their own points and depots only', () => {
    const d = generateDistrict({ stops: 300, vehicles: 20, communities: 3, depots: 3, seed: 5 });
    for (const s of decomposeDistrict(d, { maxStops: 80 })) {
      const points = s.problem.travel.kind === 'geo' ? s.problem.travel.points.length : -1;
      expect(points).toBe(s.problem.depots.length + s.problem.stops.length);
      s.stops.forEach((g, i) => expect(s.problem.travel.kind === 'geo' && d.problem.travel.kind === 'geo'
        && s.problem.travel.points[s.problem.stops[i]!.location]).toEqual(d.problem.travel.kind === 'geo' && d.problem.travel.points[d.problem.stops[g]!.location]));
    }
  });
});

describe('decomposeDistrict without geometry', () => {
  it('cuts a matrix-travel problem into sub-matrices that give the same arcs', () => {
    const d = generateDistrict({ stops: 60, vehicles: 6, communities: 2, depots: 1, seed: 11 });
    const n = d.problem.depots.length + d.problem.stops.length;
    const distance = Array.from({ length: n }, (_, a) => Array.from({ length: n }, (_, b) => Math.abs(a - b) * 10));
    const problem = { ...d.problem, travel: { kind: 'matrix' as const, distance } };
    const subs = decomposeDistrict({ problem, group: d.group }, { maxStops: 20 });
    expect(subs.flatMap((s) => s.stops).sort((a, b) => a - b)).toEqual(problem.stops.map((_, i) => i));
    const plan = mergeAndRepair(problem, subs.map((sub) => ({ sub, solution: solve(sub.problem, { seed: 2, maxIterations: 200 }) })));
    expect(plan.validation.violations).toEqual([]);
  });

  it('is deterministic', () => {
    const d = generateDistrict({ stops: 500, vehicles: 30, seed: 12 });
    expect(decomposeDistrict(d, { maxStops: 40 })).toEqual(decomposeDistrict(d, { maxStops: 40 }));
  });
});

describe('merge and border repair', () => {
  it('merges sub-solutions into a plan the validator accepts', () => {
    for (const seed of [1, 2, 3]) {
      const d = generateDistrict({ stops: 240, vehicles: 14, communities: 4, depots: 2, seed });
      const plan = mergeAndRepair(d.problem, solveAll(d, 70));
      expect(plan.validation.violations).toEqual([]);
      expect(plan.validation.ok).toBe(true);
      expect(plan.solution.routes.reduce((s, r) => s + r.stops.length, 0) + plan.solution.unserved.length).toBe(240);
    }
  });

  it('repair never raises the cost of the same served stops nor breaks feasibility', () => {
    let saved = 0;
    for (const seed of [4, 5, 6, 7]) {
      // Ample fleet: nothing unserved, so any cost change comes from the border moves alone.
      const d = generateDistrict({ stops: 200, vehicles: 40, communities: 5, depots: 2, seed });
      const merged = mergeSubSolutions(d.problem, solveAll(d, 30, 100));
      expect(merged.unserved).toEqual([]);
      const before = validateSolution(d.problem, merged);
      const { solution, report } = repairBorders(d.problem, merged);
      const after = validateSolution(d.problem, solution);
      expect(after.violations).toEqual([]);
      expect(after.cost).toBeLessThanOrEqual(before.cost + 1e-6);
      expect(before.cost - after.cost).toBeCloseTo(report.saved, 3);
      saved += report.saved;
    }
    // Small sub-problems each use their own vehicle: merging across borders must find savings somewhere.
    expect(saved).toBeGreaterThan(0);
  });

  it('retries unserved stops across the border and keeps the reason of those still unserved', () => {
    const d = generateDistrict({ stops: 150, vehicles: 12, communities: 3, depots: 1, seed: 9 });
    const subs = decomposeDistrict(d, { maxStops: 50 });
    // Starve one sub-problem of vehicles: its stops come back unserved and the repair must place them.
    const parts = subs.map((sub, i) => ({ sub, solution: i === 0
      ? { routes: [], unserved: sub.stops.map((_, s) => ({ stop: s, reason: 'fleet-exhausted' as const })), cost: 0, distance: 0 }
      : solve(sub.problem, { seed: 1, maxIterations: 200 }) }));
    const plan = mergeAndRepair(d.problem, parts);
    expect(plan.validation.ok).toBe(true);
    expect(plan.repair.retried).toBe(subs[0]!.stops.length);
    expect(plan.repair.rescued).toBe(plan.repair.retried - plan.solution.unserved.length);
    expect(plan.repair.rescued).toBeGreaterThan(0);
    for (const u of plan.solution.unserved) expect(u.reason).toBe('fleet-exhausted');
  });
});
