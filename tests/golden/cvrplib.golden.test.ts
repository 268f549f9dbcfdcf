import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { solve } from '../../src/planning/solve';
import { validateSolution } from '../../src/planning/validate/solution.validate';
import { vrpToProblem } from '../../src/planning/vrplib/cvrplib.problem';
import { parseSol } from '../../src/planning/vrplib/sol.format';
import { parseVrp } from '../../src/planning/vrplib/vrp.parser';
import type { Problem, Solution } from '../../src/planning/model/problem.types';

// Committed copies of the few small CVRPLIB files used here (source in its README), so a fresh clone
// runs these cases; the full set for the benchmarks stays in ../shared/bench/instances.
const dir = resolve(__dirname, '..', 'fixtures', 'cvrplib');

function load(set: string, name: string): Problem {
  return vrpToProblem(parseVrp(readFileSync(join(dir, set, `${name}.vrp`), 'utf8')));
}

function bksSolution(set: string, name: string): { solution: Solution; cost: number } {
  const sol = parseSol(readFileSync(join(dir, set, `${name}.sol`), 'utf8'));
  const routes = sol.routes.map((r, v) => ({ vehicle: v, stops: r.map((c) => c - 1), distance: 0, duration: 0, cost: 0, load: [], starts: [] }));
  return { solution: { routes, unserved: [], cost: 0, distance: 0 }, cost: sol.cost };
}

describe('CVRPLIB golden instances', () => {
  it.each([
    ['A', 'A-n32-k5', 784],
    ['P', 'P-n16-k8', 450],
    ['B', 'B-n31-k5', 672],
  ])('%s/%s: feasible, exactly k routes, within 3%% of the best known', (set, name, bks) => {
    const problem = load(set, name);
    const solution = solve(problem, { maxIterations: 20_000, seed: 1 });
    const report = validateSolution(problem, solution);
    expect(report.violations).toEqual([]);
    expect(solution.unserved).toEqual([]);
    expect(solution.routes).toHaveLength(problem.minRoutes!);
    expect(report.cost).toBeLessThanOrEqual(bks * 1.03);
  });

  it('CMT6: respects the route length limit with service times, within 3% of the best known', () => {
    const problem = load('CMT', 'CMT6');
    const solution = solve(problem, { maxIterations: 20_000, seed: 1 });
    const report = validateSolution(problem, solution);
    expect(report.violations).toEqual([]);
    expect(report.cost).toBeLessThanOrEqual(555.43 * 1.03);
  });

  it.each([
    ['A', 'A-n32-k5'],
    ['CMT', 'CMT6'],
    ['CMT', 'CMT13'],
  ])('%s/%s: the best-known .sol is feasible under our conventions and costs what it says', (set, name) => {
    const problem = load(set, name);
    const { solution, cost } = bksSolution(set, name);
    const report = validateSolution(problem, solution);
    expect(report.violations).toEqual([]);
    expect(report.cost).toBeCloseTo(cost, 1);
  });
});
