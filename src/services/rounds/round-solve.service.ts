/**
 * Solves one sub-problem of a round (the body of a `round.solve` child job). Runs in a sandboxed
 * child process: the solve is CPU-bound and synchronous, and must not starve the lock renewals of
 * the worker's event loop (except with PGlite, one connection in one process: there the job runs in
 * process and `deps.solve` hands the search to a worker thread). Idempotent: a result already
 * stored is kept, never solved twice.
 */
import type { Problem, Solution } from '../../planning';
import { solve, type SolvedPoolRoute, type SolveStats } from '../../planning/solve';
import type { Db } from '../../store/db';
import { getRoundHead, getSubproblem, saveSubproblemResult, setRoundProgressFromSubproblems } from '../../store/round.repository';
import { loadSubproblemNeeds, loadVehicles } from '../../store/round-inputs.repository';
import { buildProblem, searchBudgetMs, toPlanPieces } from '../../planning/adapters/round-problem';
import { toStoredPool } from '../../planning/adapters/round-pool';
import { collectionOf } from './round-collection';
import { roundRoster, withHours } from './round-roster';
import { stepTimer } from '../../shared/steps';

export interface SolveDeps {
  db: Db;
  /**
   * Milliseconds clock, first read when the search starts: the search's budget when it runs here, and
   * the time it took (`solveSeconds`) either way. In the sandboxed solver the process's CPU time with
   * a floor of half the wall time (workers/planning-priority.ts searchClock), the clock its search
   * thread counts the budget on too; performance.now with PGlite's planning thread.
   */
  now: () => number;
  /** Upper bound on the round's budget, ms, for a caller that must finish sooner than the round allows. Default: none. */
  maxTimeLimitMs?: number;
  /**
   * Runs the pure search (Problem in, Solution out) somewhere else, e.g. on a worker thread so this
   * event loop stays free (workers/solve-thread.ts). Default: `solve()` here, synchronously, timed by `now`.
   */
  solve?: (problem: Problem, options: { timeLimitMs: number; seed: number; keepPool?: number }) => Promise<Solution & { pool?: SolvedPoolRoute[]; stats?: SolveStats }>;
  /**
   * Routes of the search's pool stored with the result (at most), for set partitioning at the merge
   * (SOLVE_POOL_ROUTES). Default 0: none.
   */
  keepPool?: number;
}

export type SolveOutcome =
  /**
   * `solveSeconds` (on the budget's clock) and `iterations`: the search's (none without vehicles), for the solve metrics;
   * `steps`: where the job's time went (ms: read, build, search, store, progress), for its log line.
   */
  | { status: 'solved'; trips: number; unserved: number; stored: boolean; solveSeconds?: number; iterations?: number; steps: Record<string, number> }
  | { status: 'skipped'; reason: 'round-not-planning' | 'already-solved' };

export async function solveSubproblem(deps: SolveDeps, roundId: string, subproblemId: string, onProgress: (pct: number) => Promise<void> = async () => undefined): Promise<SolveOutcome> {
  const rdb = deps.db;
  const { ms: steps, step } = stepTimer();
  // The reads go out together (a pool of their own, outside any transaction): in the sandboxed
  // solver each round trip waits for a turn at the planning's lowered priority, 120 solves a district.
  const [round, sub] = await Promise.all([getRoundHead(rdb, roundId), getSubproblem(rdb, roundId, subproblemId)]);
  if (!round) throw new MissingRecordError(`round ${roundId} does not exist`);
  if (round.status !== 'planning') return { status: 'skipped', reason: 'round-not-planning' };
  if (!sub) throw new MissingRecordError(`sub-problem ${subproblemId} of round ${roundId} does not exist`);
  if (sub.solved_at) return { status: 'skipped', reason: 'already-solved' };

  const [needs, fleet, roster, collection] = await Promise.all([
    loadSubproblemNeeds(deps.db, roundId, subproblemId), loadVehicles(deps.db, sub.vehicle_ids), roundRoster(deps.db, roundId), collectionOf(deps.db, round.kind),
  ]);
  const vehicles = withHours(fleet, roster);
  step('read');
  await onProgress(10);
  step('progress');
  const built = buildProblem(needs, vehicles, collection);
  step('build');
  let pieces;
  let search: { solveSeconds: number; iterations?: number } | undefined;
  if (vehicles.length === 0) {
    pieces = { trips: [], unserved: needs.map((n) => ({ needId: n.id, reason: 'fleet-exhausted' })) };
  } else {
    const capMs = Math.min(round.time_limit_ms, deps.maxTimeLimitMs ?? Infinity);
    // A collection round is one piece for its district, with trips through disposal sites and shifts: its whole budget.
    const timeLimitMs = built.problem.sites ? capMs : searchBudgetMs(built.problem.stops.length, capMs);
    const keepPool = deps.keepPool ?? 0;
    const started = deps.now();
    const solution = deps.solve
      ? await deps.solve(built.problem, { timeLimitMs, seed: round.seed, keepPool })
      : solve(built.problem, { timeLimitMs, now: deps.now, seed: round.seed, keepPool });
    search = { solveSeconds: (deps.now() - started) / 1000, ...(solution.stats ? { iterations: solution.stats.iterations } : {}) };
    step('search');
    pieces = toPlanPieces(built, vehicles, solution, subproblemId);
    if (solution.pool?.length) pieces = { ...pieces, pool: toStoredPool(built, vehicles, solution.pool) };
    step('build');
  }
  await onProgress(90);
  step('progress');
  const stored = await saveSubproblemResult(rdb, roundId, subproblemId, pieces);
  await setRoundProgressFromSubproblems(rdb, roundId, new Date());
  step('store');
  await onProgress(100);
  step('progress');
  return { status: 'solved', trips: pieces.trips.length, unserved: pieces.unserved.length, stored, ...search, steps };
}

/** A record the job names is gone: retrying will not bring it back. */
export class MissingRecordError extends Error {
  override readonly name = 'MissingRecordError';
}
