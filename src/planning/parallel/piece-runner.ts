import type { Problem, Solution } from '../model/problem.types';
import { solve } from '../solve';
import type { SolveOptions } from '../solve.types';

/**
 * One independent piece of a large solve: plain data, so it can cross to a worker thread. With
 * `timeLimitMs` the piece runs on the runner's clock; without, on `maxIterations` (deterministic).
 */
export interface PieceJob {
  problem: Problem;
  seed: number;
  timeLimitMs?: number;
  maxIterations?: number;
  initial?: SolveOptions['initial'];
  tuning?: SolveOptions['tuning'];
}

/** Solves pieces (in any order, on any thread) and answers in job order. */
export type PieceRunner = (jobs: readonly PieceJob[]) => Promise<Solution[]>;

/** What solve() is told for a job; `now` is the runner's clock, used only when the job has a time limit. */
export function solvePiece(job: PieceJob, now?: () => number): Solution {
  const options: SolveOptions = job.timeLimitMs !== undefined && now
    ? { timeLimitMs: job.timeLimitMs, now, seed: job.seed }
    : { maxIterations: job.maxIterations ?? 2_000, seed: job.seed };
  const { stats: _stats, pool: _pool, ...solution } = solve(job.problem, { ...options, initial: job.initial, tuning: job.tuning });
  return solution;
}

/** Solves the pieces one after another on this thread. */
export function inlineRunner(now?: () => number): PieceRunner {
  return (jobs) => Promise.resolve(jobs.map((job) => solvePiece(job, now)));
}
