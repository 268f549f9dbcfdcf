/**
 * Solver-neutral linear / mixed-integer model and result, shared by every adapter.
 * Variables are addressed by their position in `variables`; `values` in a result follow the same order.
 */

export type LpSense = 'min' | 'max';
export type LpVarType = 'continuous' | 'integer' | 'binary';
export type LpOp = '<=' | '>=' | '=';

export interface LpVariable {
  /** Human-readable name, used in explanations and errors only (adapters generate their own safe names). */
  name: string;
  /** Objective coefficient. Default 0. */
  cost?: number;
  /** Lower bound. Default 0; use -Infinity for a free variable. */
  lower?: number;
  /** Upper bound. Default +Infinity (binary: 1). */
  upper?: number;
  /** Default 'continuous'. */
  type?: LpVarType;
}

export interface LpTerm {
  /** Index into `LpModel.variables`. */
  v: number;
  coef: number;
}

export interface LpConstraint {
  name?: string;
  terms: LpTerm[];
  op: LpOp;
  rhs: number;
}

export interface LpModel {
  sense: LpSense;
  variables: LpVariable[];
  constraints: LpConstraint[];
}

/**
 * - optimal: proved optimal and verified;
 * - feasible: a verified solution, optimality not proved (time or iteration limit reached);
 * - infeasible / unbounded: proved by the solver before any limit was reached;
 * - no-solution-in-time: a limit was reached without a verified solution (never reported as infeasible);
 * - error: the solver failed, or claimed a solution that did not pass the check.
 */
export type LpStatus = 'optimal' | 'feasible' | 'infeasible' | 'unbounded' | 'no-solution-in-time' | 'error';

export interface LpResult {
  status: LpStatus;
  /** Objective recomputed from `values` (not the solver's own figure); null without a verified solution. */
  objective: number | null;
  /** One value per model variable, integer variables rounded to integers; null without a verified solution. */
  values: number[] | null;
  solver: LpSolverName;
  elapsedMs: number;
  /** Why a result was downgraded, or the solver's own status text. */
  detail?: string;
  /**
   * Row duals (one per constraint, in model order) of an optimal continuous LP, when the solver reports
   * them (HiGHS does, javascript-lp-solver doesn't). Reduced cost of column j: cost_j - sum_i a_ij dual_i.
   */
  duals?: number[];
}

export type LpSolverName = 'jsLpSolver' | 'highs';

export interface LpSolveOptions {
  /** Wall-clock budget. javascript-lp-solver only checks it between branch-and-bound nodes, so it can overrun. */
  timeLimitMs: number;
  /** A known feasible point (one value per variable): a MIP start for solvers that accept one. */
  start?: number[];
  /** Relative MIP gap at which the solver may stop. Default: the solver's own (HiGHS 1e-4, jsLP 0). */
  relativeGap?: number;
  /** Injected clock in milliseconds: the planning core never reads the real clock itself. */
  now: () => number;
}

export interface LpSolver {
  readonly name: LpSolverName;
  /** Whether optimal LP results carry `duals`. */
  readonly reportsDuals: boolean;
  /** Synchronous: blocks the thread for up to about `timeLimitMs` (run heavy solves in a worker). */
  solve(model: LpModel, opts: LpSolveOptions): LpResult;
}

export function isIntegerVar(v: LpVariable): boolean {
  return v.type === 'integer' || v.type === 'binary';
}

export function lowerOf(v: LpVariable): number {
  return v.lower ?? 0;
}

export function upperOf(v: LpVariable): number {
  return v.upper ?? (v.type === 'binary' ? 1 : Infinity);
}

export function isMip(model: LpModel): boolean {
  return model.variables.some(isIntegerVar);
}
