import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { solve } from '../../../src/planning/solve';
import { validateSolution } from '../../../src/planning/validate/solution.validate';
import { genOptions, randomProblem } from './problem.generator';

const settings = genOptions({ stops: 14, vehicles: 4, dims: 3 });

describe('solve on generated problems', () => {
  it('serves every stop once or reports it unserved with a reason, and breaks no constraint', () => {
    fc.assert(
      fc.property(settings, (cfg) => {
        const problem = randomProblem(cfg);
        const solution = solve(problem, { maxIterations: 60, seed: cfg.seed });
        const report = validateSolution(problem, solution);
        expect(report.violations).toEqual([]);
        expect(solution.cost).toBeCloseTo(report.cost, 6);
        for (const u of solution.unserved) {
          const stop = problem.stops[u.stop]!;
          if (u.reason === 'no-vehicle-with-skills') {
            expect(problem.vehicles.some((v) => (stop.skills ?? []).every((s) => v.skills?.includes(s)))).toBe(false);
          }
          if (u.reason === 'demand-exceeds-capacity') {
            expect(problem.vehicles.some((v) => stop.demand.every((q, d) => q <= v.capacity[d]!))).toBe(false);
          }
        }
      }),
      { numRuns: 1000, seed: 42 },
    );
  });

  it('is deterministic for a given seed and iteration budget', () => {
    const problem = randomProblem({ seed: 7, stops: 30, vehicles: 6, windows: true, skills: true, dims: 2 });
    const a = solve(problem, { maxIterations: 500, seed: 3 });
    const b = solve(problem, { maxIterations: 500, seed: 3 });
    expect(b.routes).toEqual(a.routes);
    expect(b.cost).toBe(a.cost);
  });

  it('leaves no stop unserved when one vehicle could take them all', () => {
    const problem = randomProblem({ seed: 11, stops: 25, vehicles: 3 });
    const big = { ...problem, vehicles: problem.vehicles.map((v) => ({ ...v, capacity: [1000] })) };
    const solution = solve(big, { maxIterations: 300 });
    expect(solution.unserved).toEqual([]);
    expect(validateSolution(big, solution).ok).toBe(true);
  });
});
