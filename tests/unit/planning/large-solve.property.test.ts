import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { solveLarge } from '../../../src/planning/decompose/large.solve';
import { groupRoutes } from '../../../src/planning/decompose/route-groups';
import { inlineRunner } from '../../../src/planning/parallel/piece-runner';
import { threadRunner } from '../../../src/planning/parallel/thread-runner';
import { solve } from '../../../src/planning/solve';
import { validateSolution } from '../../../src/planning/validate/solution.validate';
import { genOptions, randomProblem } from './problem.generator';

const settings = genOptions({ stops: 40, vehicles: 12, dims: 2 });

describe('decomposition by routes (solveLarge)', () => {
  it('returns a plan the validator accepts, every stop served once or unserved with a reason', async () => {
    await fc.assert(
      fc.asyncProperty(settings, fc.integer({ min: 3, max: 15 }), fc.integer({ min: 4, max: 20 }), fc.integer({ min: 0, max: 4 }), async (cfg, pieceStops, groupStops, communities) => {
        const problem = randomProblem(cfg);
        // a first cut by communities (stop index modulo a count) when there are some
        const groups = communities ? problem.stops.map((_, i) => `c${i % communities}`) : undefined;
        const plan = await solveLarge(problem, { seed: cfg.seed, maxIterations: 30, rounds: 3, pieceStops, groupStops, groups }, inlineRunner());
        const report = validateSolution(problem, plan);
        expect(report.violations).toEqual([]);
        expect(plan.cost).toBeCloseTo(report.cost, 6);
        expect(plan.unserved.every((u) => u.reason)).toBe(true);
        // the rounds start from the first cut's routes and only take a group's result when it serves more or costs less
        expect(plan.unserved.length).toBeLessThanOrEqual(plan.stats.startUnserved);
        if (plan.unserved.length === plan.stats.startUnserved) expect(plan.cost).toBeLessThanOrEqual(plan.stats.startCost + 1e-6);
      }),
      { numRuns: 150, seed: 20 },
    );
  });

  it('gives the same routes for the same seed and thread count on worker threads', async () => {
    const problem = randomProblem({ seed: 7, stops: 60, vehicles: 20, depots: 1, windows: true });
    const options = { seed: 3, maxIterations: 200, rounds: 3, pieceStops: 20, groupStops: 25, threads: 2 };
    const runner = threadRunner(2);
    try {
      const a = await solveLarge(problem, options, runner.run);
      const b = await solveLarge(problem, options, runner.run);
      expect(b.routes.map((r) => [r.vehicle, ...r.stops])).toEqual(a.routes.map((r) => [r.vehicle, ...r.stops]));
      // a different seed searches differently: the comparison above can fail
      const c = await solveLarge(problem, { ...options, seed: 4 }, runner.run);
      expect(c.routes.map((r) => [r.vehicle, ...r.stops])).not.toEqual(a.routes.map((r) => [r.vehicle, ...r.stops]));
      // a piece that fails on its thread fails the run (named), instead of leaving it waiting
      const broken = { ...problem, vehicles: [{ ...problem.vehicles[0]!, capacity: [] }] };
      await expect(runner.run([{ problem: broken, seed: 1, maxIterations: 5 }])).rejects.toThrow(/piece 0: .*capacity/);
    } finally {
      await runner.close();
    }
  });
});

describe('groupRoutes', () => {
  it('puts every route with stops in exactly one group and every unserved stop in one, and moves the cuts between turns', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 2, max: 12 }), fc.integer({ min: 0, max: 20 }), (seed, size, turn) => {
        const problem = randomProblem({ seed, stops: 40, vehicles: 10, depots: 2 });
        const routes = Array.from({ length: 10 }, (_, v) => ({ vehicle: v, stops: [4 * v, 4 * v + 1, 4 * v + 2] }));
        const unserved = [3, 7, 39];
        const groups = groupRoutes(problem, routes, unserved, size, turn);
        expect(groups.flatMap((g) => g.routes).sort((a, b) => a - b)).toEqual(routes.map((_, i) => i));
        expect(groups.flatMap((g) => g.extra).sort((a, b) => a - b)).toEqual(unserved);
      }),
      { numRuns: 200, seed: 21 },
    );
    const problem = randomProblem({ seed: 5, stops: 60, vehicles: 20, depots: 1 });
    const routes = Array.from({ length: 20 }, (_, v) => ({ vehicle: v, stops: [3 * v, 3 * v + 1, 3 * v + 2] }));
    const cuts = (turn: number): string => JSON.stringify(groupRoutes(problem, routes, [], 12, turn).map((g) => [...g.routes].sort((a, b) => a - b)));
    expect(new Set([0, 1, 2, 3].map(cuts)).size).toBeGreaterThan(1);
  });
});

describe('solve warm start (initial)', () => {
  it('never returns a plan costlier than the routes it starts from', () => {
    fc.assert(
      fc.property(settings, (cfg) => {
        const problem = randomProblem(cfg);
        const first = solve(problem, { maxIterations: 20, seed: cfg.seed });
        const again = solve(problem, { maxIterations: 20, seed: cfg.seed + 1, initial: first.routes });
        expect(validateSolution(problem, again).violations).toEqual([]);
        // with the same stops left out, the cost can only fall (another set may trade cost for priority)
        const out = (s: typeof first): string => s.unserved.map((u) => u.stop).join();
        if (out(again) === out(first)) expect(again.cost).toBeLessThanOrEqual(first.cost + 1e-6);
      }),
      { numRuns: 300, seed: 22 },
    );
  });
});

describe('solveLarge input', () => {
  it('refuses a problem given by a matrix, which has no geometry to cut by', async () => {
    const problem = randomProblem({ seed: 1, stops: 3, vehicles: 1 });
    const matrix = { kind: 'matrix' as const, distance: [0, 1, 2, 3].map((a) => [0, 1, 2, 3].map((b) => Math.abs(a - b))) };
    await expect(solveLarge({ ...problem, travel: matrix }, { maxIterations: 5 }, inlineRunner())).rejects.toThrow(/coordinates/);
  });
});
