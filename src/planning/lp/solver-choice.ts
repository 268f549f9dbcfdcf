/**
 * Which solver to use by default for each model, from bench/lp.bench.ts on this 2-core machine, run
 * while other jobs kept the load average between 3 and 19: absolute times are inflated and noisy, the
 * ratios are what matter. Time to a verified answer, javascript-lp-solver vs HiGHS, limit 10 s:
 *
 * Allocation (one LP per priority class, communities x items):
 *   20 x 5 (207 lines): 50 vs 53 ms; 50 x 10 (942 lines): 3,504 vs 202 ms;
 *   100 x 10 (1,912 lines): 91,114 ms (9x past its limit) vs 217 ms;
 *   200 x 20 (7,495 lines): javascript-lp-solver refuses the largest class (dense tableau > 1 GB), 766 ms;
 *   400 x 20 (14,730 lines): HiGHS 2,893 ms.
 *   Again with five priority classes (issue #14, the round allocation's model), `bench lp --only alloc --quick`,
 *   load average ~5: 20 x 5 (240 lines): 73 vs 246 ms; 50 x 10 (1,121 lines): 6,018 ms (past its 5 s limit) vs 520 ms,
 *   the same optimum both times.
 *   -> HiGHS whenever it is loaded, except for small models (<= 300 lines) where both are instant.
 * Set partitioning (binary, one column per route; incumbent = best known solution):
 *   synthetic pools (randomised savings + 2-opt), 89 / 405 / 1,171 routes: 22 / 423 / 3,944 ms vs
 *   327 / 274 / 10,036 ms (limit); 3,077 routes: javascript-lp-solver 145-183 s, HiGHS 11 s (improved
 *   60197 -> 60194), HiGHS with poolLimit 300: 1.3 s to the same 60194.
 *   Pools of the routing search (5 s on CVRPLIB X), HiGHS with LP-dual pool cuts:
 *     X-n101 (2,088 routes): whole 10 s -> 27733; cut to 1,000: 3.9 s -> 27733 (earlier runs: 27591 = BKS in 0.2-1.3 s);
 *     X-n200 (10,686): whole 10.3 s, no gain; 1,000: 1.1 s -> 59327 (from 59447); 300: 0.4 s -> 59442;
 *     X-n401 (12,377): whole 35 s against a 10 s limit, no gain; 1,000: 2.9 s (another run: 67251 -> 67235).
 *   javascript-lp-solver, without duals, never improved a cut search pool.
 *   -> javascript-lp-solver up to ~300 routes, HiGHS above; selectRoutes cuts pools to 1,000 routes by
 *      default for HiGHS (250 for javascript-lp-solver: a 400-route search pool of X-n101 ran out its 10 s).
 */
import type { LpSolver } from './lp.model';

export type LpUse = 'allocation' | 'set-partitioning';

export interface AvailableSolvers {
  jsLpSolver: LpSolver;
  /** From `await loadHighs()`; without it everything goes to javascript-lp-solver. */
  highs?: LpSolver;
}

/** Largest model javascript-lp-solver is preferred for: allocation need lines / pool routes. */
export const JS_PREFERRED_UP_TO: Record<LpUse, number> = { allocation: 300, 'set-partitioning': 300 };

/** `size`: need lines for allocation, routes in the pool for set partitioning. */
export function preferredSolver(use: LpUse, size: number, solvers: AvailableSolvers): LpSolver {
  if (!solvers.highs || size <= JS_PREFERRED_UP_TO[use]) return solvers.jsLpSolver;
  return solvers.highs;
}
