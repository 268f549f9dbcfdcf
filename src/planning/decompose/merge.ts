import type { Problem, Solution } from '../model/problem.types';
import { validateSolution, type ValidationReport } from '../validate/solution.validate';
import { repairBorders, type RepairOptions, type RepairReport } from './border.repair';
import type { SubSolution } from './decompose.types';

/** Puts sub-solutions together in district indices (vehicles and stops mapped back). */
export function mergeSubSolutions(problem: Problem, parts: readonly SubSolution[]): Solution {
  const routes = parts.flatMap(({ sub, solution }) => solution.routes.map((r) => ({
    ...r, vehicle: sub.vehicles[r.vehicle]!, stops: r.stops.map((s) => sub.stops[s]!),
  })));
  const unserved = parts.flatMap(({ sub, solution }) => solution.unserved.map((u) => ({ ...u, stop: sub.stops[u.stop]! })));
  unserved.sort((a, b) => a.stop - b.stop);
  if (routes.length + unserved.length === 0 && problem.stops.length) throw new RangeError('no sub-solution covers any stop');
  return {
    routes, unserved, cost: routes.reduce((s, r) => s + r.cost, 0), distance: routes.reduce((s, r) => s + r.distance, 0),
  };
}

export interface MergedPlan {
  solution: Solution;
  repair: RepairReport;
  /** The whole plan checked by the independent validator (after repair). */
  validation: ValidationReport;
  /** Validator cost of the plain merge, before repair. */
  mergedCost: number;
}

/** Merge, border repair, then one validation of the whole district plan. */
export function mergeAndRepair(problem: Problem, parts: readonly SubSolution[], options: RepairOptions = {}): MergedPlan {
  const merged = mergeSubSolutions(problem, parts);
  const before = validateSolution(problem, merged);
  if (!before.ok) return { solution: merged, repair: { dissolved: 0, relocated: 0, retried: 0, rescued: 0, saved: 0 }, validation: before, mergedCost: before.cost };
  const { solution, report } = repairBorders(problem, merged, options);
  return { solution, repair: report, validation: validateSolution(problem, solution), mergedCost: before.cost };
}
