import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPEN_T0, solveInParts } from '../../../src/planning/decompose/parts.solve';
import { inlineRunner, type PieceJob, type PieceRunner } from '../../../src/planning/parallel/piece-runner';
import { threadRunner } from '../../../src/planning/parallel/thread-runner';
import { temperatureAt, T0, TF } from '../../../src/planning/routing/sisr';
import { validateSolution } from '../../../src/planning/validate/solution.validate';
import { genOptions, randomProblem } from './problem.generator';

const routesOf = (s: { routes: { vehicle: number; stops: number[] }[] }): number[][] => s.routes.map((r) => [r.vehicle, ...r.stops]);

describe('one annealing in parts (solveInParts)', () => {
  it('returns a plan the validator accepts, never worse than its opening search', async () => {
    await fc.assert(
      fc.asyncProperty(genOptions({ stops: 40, vehicles: 12, dims: 2 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), async (cfg, threads, rounds) => {
        const problem = randomProblem(cfg);
        const plan = await solveInParts(problem, { seed: cfg.seed, maxIterations: 30, rounds, threads }, inlineRunner());
        const report = validateSolution(problem, plan);
        expect(report.violations).toEqual([]);
        expect(plan.cost).toBeCloseTo(report.cost, 6);
        expect(plan.unserved.every((u) => u.reason)).toBe(true);
        expect(plan.stats.rounds).toBe(rounds);
        // the rounds start from the opening's routes and only take a part's result when it serves more or costs less
        expect(plan.unserved.length).toBeLessThanOrEqual(plan.stats.openingUnserved);
        if (plan.unserved.length === plan.stats.openingUnserved) expect(plan.cost).toBeLessThanOrEqual(plan.stats.openingCost + 1e-6);
      }),
      { numRuns: 100, seed: 23 },
    );
  });

  it('gives the same routes for the same seed and thread count on worker threads', async () => {
    const problem = randomProblem({ seed: 11, stops: 80, vehicles: 24, depots: 1, windows: true });
    const options = { seed: 5, maxIterations: 300, rounds: 3, threads: 2 };
    const runner = threadRunner(2);
    try {
      const a = await solveInParts(problem, options, runner.run);
      const b = await solveInParts(problem, options, runner.run);
      expect(routesOf(b)).toEqual(routesOf(a));
      // a different seed searches differently: the comparison above can fail
      const c = await solveInParts(problem, { ...options, seed: 6 }, runner.run);
      expect(routesOf(c)).not.toEqual(routesOf(a));
    } finally {
      await runner.close();
    }
  });

  it('cools as one schedule: the legs meet end to end, from the start temperature to the end one', () => {
    expect(temperatureAt(0)).toBeCloseTo(T0, 12);
    expect(temperatureAt(1)).toBeCloseTo(TF, 12);
    // two legs [0, 0.4] and [0.4, 1] make one geometric cooling: the product of their ratios is the whole one
    expect((temperatureAt(0.4) / temperatureAt(0)) * (temperatureAt(1) / temperatureAt(0.4))).toBeCloseTo(TF / T0, 12);
    expect(temperatureAt(0.3)).toBeGreaterThan(temperatureAt(0.6));
  });

  it('opens hotter than the shared schedule, then each round takes the next slice of it', async () => {
    const problem = randomProblem({ seed: 4, stops: 30, vehicles: 8 });
    const batches: PieceJob[][] = [];
    const inline = inlineRunner();
    const recording: PieceRunner = (jobs) => {
      batches.push([...jobs]);
      return inline(jobs);
    };
    await solveInParts(problem, { seed: 2, maxIterations: 20, rounds: 3, threads: 2, openShare: 0.1 }, recording);
    const [openings, ...rounds] = batches;
    expect(openings!.map((j) => j.tuning?.t0)).toEqual([OPEN_T0, OPEN_T0]);
    expect(OPEN_T0).toBeGreaterThan(T0);
    // the openings end where the shared schedule stands at their share, and the rounds go on from there
    const legs = [openings!, ...rounds].map((batch) => ({ t0: batch[0]!.tuning!.t0!, tf: batch[0]!.tuning!.tf! }));
    expect(legs[0]!.tf).toBeCloseTo(temperatureAt(0.1), 12);
    for (let i = 1; i < legs.length; i++) expect(legs[i]!.t0).toBeCloseTo(legs[i - 1]!.tf, 12);
    expect(legs.at(-1)!.tf).toBeCloseTo(TF, 12);
    // a caller may choose the opening's start
    batches.length = 0;
    await solveInParts(problem, { seed: 2, maxIterations: 20, rounds: 1, threads: 2, openT0: T0 }, recording);
    expect(batches[0]!.map((j) => j.tuning?.t0)).toEqual([T0, T0]);
  });

  it('refuses a problem given by a matrix, which has no geometry to cut by', async () => {
    const problem = randomProblem({ seed: 1, stops: 3, vehicles: 1 });
    const matrix = { kind: 'matrix' as const, distance: [0, 1, 2, 3].map((a) => [0, 1, 2, 3].map((b) => Math.abs(a - b))) };
    await expect(solveInParts({ ...problem, travel: matrix }, { maxIterations: 5 }, inlineRunner())).rejects.toThrow(/coordinates/);
  });
});
