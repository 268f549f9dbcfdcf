import type { Solution } from '../model/problem.types';
import type { SolFile } from './sol.format';

/** CVRPLIB numbering: customer i (1-based) is stop i - 1 of a problem made by vrpToProblem. */
export function solutionToSol(solution: Solution, cost: number): SolFile {
  return { routes: solution.routes.filter((r) => r.stops.length).map((r) => r.stops.map((s) => s + 1)), cost };
}
