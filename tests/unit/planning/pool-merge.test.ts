/**
 * Set partitioning at the merge (improveMergedPlan): never a costlier plan than the merged one, every
 * served stop exactly once, the unserved untouched; a time-out keeps the merged plan.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { decomposeDistrict, mergeAndRepair } from '../../../src/planning/decompose';
import { generateDistrict } from '../../../src/planning/decompose/district.generate';
import { improveMergedPlan, type MergePoolRoute } from '../../../src/planning/decompose/pool.merge';
import { loadHighs } from '../../../src/planning/lp/highs.adapter';
import { jsLpSolver } from '../../../src/planning/lp/js-lp-solver.adapter';
import type { LpSolver } from '../../../src/planning/lp/lp.model';
import type { Solution } from '../../../src/planning/model/problem.types';
import { solve } from '../../../src/planning/solve';
import { validateSolution } from '../../../src/planning/validate/solution.validate';

const now = (): number => performance.now();
let highs: LpSolver;
beforeAll(async () => {
  highs = await loadHighs();
});

/** A district cut, solved piece by piece with each piece's route pool, merged and repaired. */
function mergedDistrict(seed: number, stops = 120, windowed = 0.05) {
  const d = generateDistrict({ stops, vehicles: Math.ceil(stops / 8), communities: 3, depots: 2, seed, windowed });
  const parts = decomposeDistrict(d, { maxStops: 50 }).map((sub) => ({ sub, solution: solve(sub.problem, { seed, maxIterations: 400, keepPool: 300 }) }));
  const pool: MergePoolRoute[] = parts.flatMap(({ sub, solution }) =>
    (solution.pool ?? []).map((r) => ({ vehicle: sub.vehicles[r.vehicle]!, stops: r.stops.map((s) => sub.stops[s]!), cost: r.cost })));
  const merged = mergeAndRepair(d.problem, parts);
  expect(merged.validation.ok).toBe(true);
  return { problem: d.problem, merged: merged.solution, cost: merged.validation.cost, pool };
}

function servedOnce(s: Solution, stops: number): void {
  const seen = new Array<number>(stops).fill(0);
  for (const r of s.routes) for (const i of r.stops) seen[i]!++;
  for (const u of s.unserved) seen[u.stop]!++;
  expect(seen.every((n) => n === 1)).toBe(true);
}

describe('improveMergedPlan', () => {
  it.each([1, 2, 3, 4])('never returns a costlier plan than the merged one, and covers every stop once (seed %i)', (seed) => {
    const { problem, merged, cost, pool } = mergedDistrict(seed);
    expect(pool.length).toBeGreaterThan(0);
    for (const solver of [highs, jsLpSolver]) {
      const r = improveMergedPlan(problem, merged, pool, { solver, timeLimitMs: 20_000, now });
      expect(r.mergedCost).toBeCloseTo(cost, 6);
      expect(r.cost).toBeLessThanOrEqual(cost + 1e-9);
      if (r.status !== 'improved') {
        expect(r.solution).toBeNull();
        continue;
      }
      const plan = r.solution!;
      const check = validateSolution(problem, plan);
      expect(check.violations).toEqual([]);
      expect(check.cost).toBeCloseTo(r.cost, 6);
      expect(check.cost).toBeLessThan(cost);
      servedOnce(plan, problem.stops.length);
      // The same stops served and unserved as in the merged plan.
      expect(plan.unserved).toEqual(merged.unserved);
      expect(plan.routes.flatMap((x) => x.stops).sort((a, b) => a - b)).toEqual(merged.routes.flatMap((x) => x.stops).sort((a, b) => a - b));
    }
  });

  it('improves a merged plan that a pool route beats, using it', () => {
    const { problem, merged, pool } = mergedDistrict(5, 60);
    // Make the merged plan worse: split its longest route in two (each validated: single-stop routes are short).
    const longest = merged.routes.reduce((a, r, i) => (r.stops.length > merged.routes[a]!.stops.length ? i : a), 0);
    const route = merged.routes[longest]!;
    const spareVehicle = problem.vehicles.findIndex((v, i) => v.depot === problem.vehicles[route.vehicle]!.depot && !merged.routes.some((r) => r.vehicle === i));
    expect(spareVehicle).toBeGreaterThanOrEqual(0);
    const half = Math.ceil(route.stops.length / 2);
    const worse: Solution = {
      ...merged,
      routes: [...merged.routes.filter((_, i) => i !== longest), { ...route, stops: route.stops.slice(0, half) }, { ...route, vehicle: spareVehicle, stops: route.stops.slice(half) }],
    };
    const before = validateSolution(problem, worse);
    expect(before.ok).toBe(true);
    const r = improveMergedPlan(problem, worse, [...pool, { vehicle: route.vehicle, stops: route.stops }], { solver: highs, timeLimitMs: 20_000, now });
    expect(r.status).toBe('improved');
    expect(r.cost).toBeLessThan(before.cost);
    expect(validateSolution(problem, r.solution!).ok).toBe(true);
    servedOnce(r.solution!, problem.stops.length);
  });

  it('re-checks the pool routes it picks: one that breaks capacity, however cheap it claims to be, leaves the merged plan', () => {
    const { problem, merged, cost } = mergedDistrict(9, 60);
    const everything: MergePoolRoute = { vehicle: merged.routes[0]!.vehicle, stops: merged.routes.flatMap((r) => r.stops), cost: 1 };
    const r = improveMergedPlan(problem, merged, [everything], { solver: highs, timeLimitMs: 20_000, now });
    expect(r).toMatchObject({ status: 'invalid', solution: null, cost });
  });

  it('keeps the merged plan when the solver runs out of time, and says so (never "infeasible")', () => {
    const { problem, merged, cost, pool } = mergedDistrict(6);
    const slow: LpSolver = {
      name: 'highs', reportsDuals: false,
      solve: () => ({ status: 'no-solution-in-time', objective: null, values: null, solver: 'highs', elapsedMs: 0, detail: 'time limit reached' }),
    };
    const r = improveMergedPlan(problem, merged, pool, { solver: slow, timeLimitMs: 1, now });
    expect(r.status).toBe('timed-out');
    expect(r.solution).toBeNull();
    expect(r.cost).toBe(cost);
    expect(r.stats.timedOut).toBeGreaterThan(0);
  });

  it('keeps the merged plan when no time is left at all', () => {
    const { problem, merged, cost, pool } = mergedDistrict(7);
    let t = 0;
    const r = improveMergedPlan(problem, merged, pool, { solver: highs, timeLimitMs: 10, now: () => (t += 100) });
    expect(r).toMatchObject({ status: 'timed-out', solution: null, cost });
  });

  it('says no-pool when the pool has nothing the merged plan lacks', () => {
    const { problem, merged, cost } = mergedDistrict(8, 60);
    const own: MergePoolRoute[] = merged.routes.map((r) => ({ vehicle: r.vehicle, stops: r.stops }));
    expect(improveMergedPlan(problem, merged, own, { solver: highs, timeLimitMs: 1000, now })).toMatchObject({ status: 'no-pool', solution: null, cost });
  });
});
