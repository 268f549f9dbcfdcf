/** Public surface of the routing core. */
export type * from './model/problem.types';
export { solve, type SolveOptions, type SolveStats } from './solve';
export { validateSolution, type ValidationReport } from './validate/solution.validate';
export { parseVrp, VrpParseError, type VrpFile } from './vrplib/vrp.parser';
export { vrpToProblem, cvrplibConventions } from './vrplib/cvrplib.problem';
export { formatSol, parseSol, type SolFile } from './vrplib/sol.format';
export { solutionToSol } from './vrplib/solution.sol';
export type { PoolRoute } from './routing/route-pool';
