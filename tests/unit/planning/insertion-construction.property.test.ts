import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, type Instance } from '../../../src/planning/model/instance';
import type { Problem, Solution } from '../../../src/planning/model/problem.types';
import { granularInsertion } from '../../../src/planning/routing/insertion.construction';
import { nearestStops } from '../../../src/planning/routing/neighbours';
import { cheapestInsertion, insertionKeys, recreate, sortAbsent } from '../../../src/planning/routing/recreate';
import { mulberry32 } from '../../../src/planning/routing/rng';
import { emptySolution, type RoutingSolution } from '../../../src/planning/routing/solution-state';
import { solve } from '../../../src/planning/solve';
import { validateSolution } from '../../../src/planning/validate/solution.validate';
import { genOptions, randomProblem } from './problem.generator';

/** Every stop in the same (seeded) order, inserted by the granular construction or by the full greedy. */
function construct(inst: Instance, seed: number, how: { granular: number } | 'full'): RoutingSolution {
  const sol = emptySolution(inst, Array.from({ length: inst.nStops }, (_, s) => inst.nDepots + s));
  const rng = mulberry32(seed);
  sortAbsent(inst, sol.absent, insertionKeys(inst), rng);
  if (how === 'full') recreate(inst, sol, rng, { blink: 0 }, new Uint8Array(inst.vehicles.length).fill(1));
  else granularInsertion(inst, sol, nearestStops(inst, how.granular), how.granular);
  return sol;
}

function asSolution(inst: Instance, s: RoutingSolution): Solution {
  return {
    routes: s.routes.filter((r) => r.nodes.length).map((r) => ({
      vehicle: r.v, stops: r.nodes.map((c) => c - inst.nDepots), distance: 0, duration: 0, cost: r.cost, load: r.load, starts: [],
    })),
    unserved: s.absent.map((c) => ({ stop: c - inst.nDepots, reason: 'fleet-exhausted' as const })),
    cost: s.cost,
    distance: 0,
  };
}

function expectValid(problem: Problem, inst: Instance, s: RoutingSolution): void {
  const report = validateSolution(problem, asSolution(inst, s));
  expect(report.violations).toEqual([]);
  expect(s.cost).toBeCloseTo(report.cost, 6);
}

describe('granular insertion (first solution in O(n * k))', () => {
  it('gives a valid plan that leaves out only stops nothing could take, with capacity, windows, skills and shifts', () => {
    fc.assert(
      fc.property(genOptions({ stops: 60, vehicles: 6, dims: 2 }), fc.integer({ min: 1, max: 8 }), (cfg, k) => {
        const problem = randomProblem(cfg);
        const inst = compile(problem);
        const sol = construct(inst, cfg.seed, { granular: k });
        expectValid(problem, inst, sol);
        // The full-scan fallback: a stop stays out only if no position of the final plan (nor an
        // empty vehicle) can take it. Without the fallback, a stop whose near stops are unrouted
        // once every vehicle is out would stay out even where a far route has room.
        for (const c of sol.absent) expect(cheapestInsertion(inst, sol, c).v).toBe(-1);
      }),
      { numRuns: 400, seed: 31 },
    );
  });

  it('serves every stop the full greedy serves when every stop could have a vehicle of its own (the CVRPLIB fleet)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 1, max: 60 }), fc.boolean(), fc.integer({ min: 1, max: 8 }), (seed, stops, windows, k) => {
        const base = randomProblem({ seed, stops, vehicles: 1, windows, dims: 2 });
        const problem = { ...base, vehicles: Array.from({ length: stops }, (_, v) => ({ ...base.vehicles[0]!, id: `v${v}` })) };
        const inst = compile(problem);
        const granular = construct(inst, seed, { granular: k });
        const full = construct(inst, seed, 'full');
        expectValid(problem, inst, granular);
        expectValid(problem, inst, full);
        expect(granular.absent.filter((c) => !full.absent.includes(c))).toEqual([]);
      }),
      { numRuns: 300, seed: 32 },
    );
  });

  it('is what solve() starts from when forced on small problems: valid plans, the same for a seed', () => {
    fc.assert(
      fc.property(genOptions({ stops: 30, vehicles: 5, dims: 2 }), (cfg) => {
        const problem = randomProblem(cfg);
        const options = { maxIterations: 40, seed: cfg.seed, tuning: { granularFrom: 0, constructionNear: 3 } };
        const a = solve(problem, options);
        expect(validateSolution(problem, a).violations).toEqual([]);
        expect(solve(problem, options).routes).toEqual(a.routes);
      }),
      { numRuns: 60, seed: 33 },
    );
  });
});
