/**
 * Which solver to use by default for each model, from bench/lp.bench.ts on this 2-core machine (run
 * while other jobs kept the load average at 15-20, so absolute times are several times too high; the
 * ratios are what matter). Figures: time to a verified answer, javascript-lp-solver vs HiGHS.
 *
 * Allocation (one LP per priority class, communities x items):
 *   20 x 5 (207 lines): 97 ms vs 32 ms; 50 x 10 (942 lines): 2,847 ms vs 117 ms;
 *   100 x 10 (1,912 lines): 100,866 ms (far past its 10 s limit) vs 310 ms.
 *   -> HiGHS whenever it is loaded; javascript-lp-solver only for small models (<= 300 lines).
 * Set partitioning (binary, one column per route):
 *   synthetic pools of 89 / 405 routes: 32 / 655 ms vs 246 / 1,584 ms (javascript-lp-solver ahead);
 *   1,171 routes: 9.1 s vs 10 s time limit; 3,077 routes: 145 s (limit 10 s) vs 10 s with a better answer.
 *   Routing-search pool of X-n101-k25 (2,436 routes): whole pool, HiGHS 10.5 s (limit) finds 27591;
 *   poolLimit 300 with HiGHS duals: 0.4 s to the same 27591; javascript-lp-solver never improved it.
 *   -> javascript-lp-solver up to ~400 routes, HiGHS above, with `poolLimit` (HiGHS prices routes by duals).
 */
import type { LpSolver } from './lp.model';

export type LpUse = 'allocation' | 'set-partitioning';

export interface AvailableSolvers {
  jsLpSolver: LpSolver;
  /** From `await loadHighs()`; without it everything goes to javascript-lp-solver. */
  highs?: LpSolver;
}

/** Largest model javascript-lp-solver is preferred for: allocation lines per class / pool routes. */
export const JS_PREFERRED_UP_TO: Record<LpUse, number> = { allocation: 300, 'set-partitioning': 400 };

/** Suggested `poolLimit` for set partitioning with HiGHS and a budget of about a second. */
export const SUGGESTED_POOL_LIMIT = 300;

/** `size`: need lines for allocation, routes in the pool for set partitioning. */
export function preferredSolver(use: LpUse, size: number, solvers: AvailableSolvers): LpSolver {
  if (!solvers.highs || size <= JS_PREFERRED_UP_TO[use]) return solvers.jsLpSolver;
  return solvers.highs;
}
