/** Options and results of solve(), apart so the collection solver can name them without importing solve.ts. */
import type { Solution } from './model/problem.types';
import type { LpSolver } from './lp/lp.model';
import type { RuinParams } from './routing/ruin';

export interface SolveOptions {
  /** Wall-clock budget in milliseconds, measured with `now`. Default 1000. */
  timeLimitMs?: number;
  /**
   * Clock in milliseconds (the CLI passes performance.now). The core never reads a clock itself:
   * without `now`, the budget is counted in iterations instead (`maxIterations`).
   */
  now?: () => number;
  /** Search iterations when no clock is given. Default 20,000. */
  maxIterations?: number;
  /** Default 1. */
  seed?: number;
  /**
   * Set partitioning over the pool of routes found, at the end of the search (HiGHS or
   * javascript-lp-solver). Takes `share` of the budget (default 0.05). Off when not given.
   */
  setPartitioning?: { solver: LpSolver; share?: number };
  /**
   * Search knobs for tuning (defaults are the tuned values). `runs`: independent annealing runs
   * (3 below solve.ts SINGLE_RUN_FROM stops, else 1). `granularFrom`: stops from which
   * construction is granular (solve.ts GRANULAR_FROM; Infinity: always the full greedy);
   * `constructionNear`: nearest stops it inserts next to (CONSTRUCTION_NEAR).
   */
  tuning?: {
    near?: number; softAbsent?: number; runs?: number; t0?: number; tf?: number; blink?: number; ruin?: Partial<RuinParams>; repairShare?: number;
    granularFrom?: number; constructionNear?: number;
  };
  /** Polish every new best solution with local search. Default true. */
  polishBest?: boolean;
  /** Nearest neighbours considered per stop. Default 40. */
  neighbours?: number;
  /**
   * Hand back at most this many routes of the search's pool with the solution (`pool`): the final
   * plan's routes first, then the most efficient others (RoutePool.best), for a set-partitioning
   * merge downstream. Default 0: none.
   */
  keepPool?: number;
  /**
   * Warm start: routes of a known plan (vehicle and stop indices of this problem). The search starts
   * from them (stops they leave out inserted greedily) instead of constructing, so the result costs
   * no more than they do. Routes that break a rule are dropped and their stops re-inserted.
   */
  initial?: readonly { vehicle: number; stops: readonly number[] }[];
}

/** A route of the search's pool: a vehicle of the class it was costed for, stop indices in order. */
export interface SolvedPoolRoute {
  vehicle: number;
  stops: number[];
  cost: number;
}

export type SolveResult = Solution & { stats: SolveStats; pool?: SolvedPoolRoute[] };

export interface SolveStats {
  iterations: number;
  poolSize: number;
  /** Set partitioning: not-run, kept (no better combination) or improved. */
  poolStatus: string;
  /** Time spent in set partitioning (clock units of `now`). */
  poolMs: number;
}
