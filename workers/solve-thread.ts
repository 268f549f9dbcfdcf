/**
 * Runs the planning core's pure, CPU-bound steps on a worker thread, so the event loop stays free for
 * HTTP requests, live sockets and job lock renewals:
 * - `solve()` with PGlite, where the `round.solve` job runs in the API's own process (one database
 *   connection, which a sandboxed child cannot share);
 * - a round's stock allocation (`allocateWithPreferredSolver`: seconds for a district's needs; the
 *   workers give it a thread of its own, not lowered: every later step of the round waits for it);
 * - the merge of a round's results (`mergeRoundPieces`: border repair, set partitioning with HiGHS,
 *   validation), always. At a district of 5,000 gates it held a worker's loop longer than the job
 *   lock, so the merge job stalled, was retaken, stalled again and the round failed (issue #21).
 * Loading and storing stay with the caller.
 *
 * One thread, started on first use and reused; calls go through it one at a time. A thread that
 * crashes, exits, or is still busy long after its budget (it is then terminated) fails the call
 * with a SolveThreadError: a plain error, so the job is retried, never reported as infeasible. The
 * next call starts a fresh thread.
 */
import { Worker } from 'node:worker_threads';
import type { Problem, Solution } from '../src/planning';
import type { MergeDecision, StoredPiece } from '../src/planning/adapters/round-merge';
import type { BuiltProblem, VehicleForPlan } from '../src/planning/adapters/round-problem';
import type { ChosenAllocation } from '../src/planning/allocation/allocate-round';
import type { RoundAllocationInput } from '../src/planning/allocation/round-allocation';
import type { SolvedPoolRoute, SolveStats } from '../src/planning/solve';
import { type PackedAllocation, type PackedAllocationInput, packAllocationInput, unpackAllocation } from './allocation-wire';

export interface ThreadSolveOptions {
  /** The search budget, ms (the thread counts it on its own clock). */
  timeLimitMs: number;
  seed: number;
  /** Routes of the search's pool handed back with the solution (solve()'s keepPool). Default 0. */
  keepPool?: number;
}

/** Solves one problem off the event loop (what round-solve.service's `SolveDeps.solve` expects). */
export type ThreadSolve = (problem: Problem, options: ThreadSolveOptions) => Promise<ThreadSolution>;
/** The solution, with the search's pool when asked for (`keepPool`). */
export type ThreadSolution = Solution & { pool?: SolvedPoolRoute[]; stats?: SolveStats };

/** Allocates a round's stock off the event loop (what round-allocation.service's `RoundAllocator` is). */
export type ThreadAllocate = (input: RoundAllocationInput, timeLimitMs: number) => Promise<ChosenAllocation>;

/** Merges a round's stored results off the event loop (what round.service's `MergeOptions.merge` expects). */
export type ThreadMerge = (built: BuiltProblem, vehicles: readonly VehicleForPlan[], pieces: readonly StoredPiece[], setPartitioning?: { timeLimitMs: number }) => Promise<MergeDecision>;

export interface SolveThread {
  solve: ThreadSolve;
  merge: ThreadMerge;
  allocate: ThreadAllocate;
  /** Starts the thread now, so that it loads its modules before the first task rather than in it. */
  warm(): void;
  /** Terminates the thread (a solve still running fails with a SolveThreadError). */
  close(): Promise<void>;
}

/** The thread died or overran its budget: the solve may succeed on a retry. */
export class SolveThreadError extends Error {
  override readonly name = 'SolveThreadError';
}

/** Messages between this module and solve-thread.worker.ts. */
export type SolveRequest = { id: number } & (
  | ({ task: 'solve'; problem: Problem } & ThreadSolveOptions)
  | { task: 'allocate'; input: PackedAllocationInput; timeLimitMs: number }
  | { task: 'merge'; built: BuiltProblem; vehicles: readonly VehicleForPlan[]; pieces: readonly StoredPiece[]; setPartitioning?: { timeLimitMs: number } }
);
export type SolveReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; message: string };

/** A merge's budget for the watchdog: its set partitioning, else a repair and a check (seconds at most). */
const MERGE_BASE_MS = 10_000;
/** An allocation's, beyond its LP budget: serving a district's 137,000 needs one by one (seconds). */
const ALLOCATE_BASE_MS = 60_000;

export interface SolveThreadOptions {
  /**
   * How long past its budget a search may run before the thread is terminated, ms. Default: the
   * budget again, at least 10 s (thread start-up, the final local search and check, a busy machine:
   * solve() itself stops within a fraction of a second of its budget when it has a core).
   */
  overrunMs?: (timeLimitMs: number) => number;
  /** TypeScript entry of the thread; tests substitute their own. Default solve-thread.worker.ts. */
  entry?: URL;
  /** The thread's nice value (PLANNING_NICE, see planning-priority.ts). Default 0: as the process. */
  nice?: number;
  /**
   * The clock a search's budget is counted on: 'wall' (default), or 'cpu', this process's CPU time
   * with a floor of half the wall time (planning-priority.ts `searchClock`), for a process that only
   * plans, whose other threads are idle while it searches (the sandboxed solver).
   */
  budgetClock?: 'wall' | 'cpu';
}

const BOOT = new URL('./solve-thread.boot.mjs', import.meta.url);
const ENTRY = new URL('./solve-thread.worker.ts', import.meta.url);

/**
 * The process's flags for its thread, but preloads written in TypeScript: the thread would load them
 * before its boot registers tsx ("Unknown file extension .ts": the sandboxed solver's own preload).
 * Undefined when there is none: the thread inherits the flags, as a Worker does by default.
 */
function threadExecArgv(): string[] | undefined {
  const typescript = (file: string | undefined) => /\.[cm]?ts$/.test(file ?? '');
  const args = process.execArgv;
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if ((arg === '--import' || arg === '--require' || arg === '-r') && typescript(args[i + 1])) i++;
    else if (!/^--(import|require)=/.test(arg) || !typescript(arg.slice(arg.indexOf('=') + 1))) kept.push(arg);
  }
  return kept.length === args.length ? undefined : kept;
}

export function createSolveThread(options: SolveThreadOptions = {}): SolveThread {
  const overrunMs = options.overrunMs ?? ((limit: number) => Math.max(10_000, limit));
  const entry = (options.entry ?? ENTRY).href;
  let thread: Worker | undefined;
  let nextId = 1;
  let closed = false;
  let tail: Promise<unknown> = Promise.resolve();

  function start(): Worker {
    const execArgv = threadExecArgv();
    const w = new Worker(BOOT, { workerData: { entry, nice: options.nice ?? 0, budgetClock: options.budgetClock ?? 'wall' }, ...(execArgv ? { execArgv } : {}) });
    // An idle thread never keeps the process alive; a running solve holds its watchdog timer, which does.
    w.unref();
    // Without a listener an 'error' of an idle thread would be thrown in this one; a solve in
    // progress has its own listeners below.
    w.on('error', () => undefined);
    w.on('exit', () => {
      if (thread === w) thread = undefined;
    });
    return w;
  }

  /** Sends one task to the thread; `budgetMs`: what it was given (the watchdog allows overrunMs more). */
  function runOne<T>(request: SolveRequest, budgetMs: number): Promise<T> {
    if (closed) return Promise.reject(new SolveThreadError('the solve thread is closed'));
    const w = (thread ??= start());
    const id = request.id;
    const allowedMs = budgetMs + overrunMs(budgetMs);
    return new Promise<T>((resolve, reject) => {
      const done = () => {
        clearTimeout(watchdog);
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
      };
      // The thread is not trusted any more: drop it (terminate is a no-op on a dead one).
      const fail = (err: SolveThreadError) => {
        done();
        if (thread === w) thread = undefined;
        void w.terminate();
        reject(err);
      };
      const onMessage = (reply: SolveReply) => {
        if (reply.id !== id) return;
        done();
        if (reply.ok) resolve(reply.result as T);
        else reject(new Error(`${request.task} failed: ${reply.message}`));
      };
      const onError = (err: Error) => fail(new SolveThreadError(`solve thread crashed: ${err.message}`));
      const onExit = (code: number) => fail(new SolveThreadError(`solve thread exited (code ${code}) during a solve`));
      const watchdog = setTimeout(
        () => fail(new SolveThreadError(`solve thread still busy ${allowedMs} ms after it was given a ${budgetMs} ms budget: terminated (a ${request.task})`)),
        allowedMs,
      );
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.postMessage(request);
    });
  }

  /** Tasks run one after another: each waits for the previous one to settle. */
  function queued<T>(request: () => SolveRequest, budgetMs: number): Promise<T> {
    const run = tail.then(() => runOne<T>(request(), budgetMs));
    tail = run.catch(() => undefined);
    return run;
  }

  return {
    solve: (problem, opts) => queued(() => ({ id: nextId++, task: 'solve', problem, ...opts }), opts.timeLimitMs),
    merge: (built, vehicles, pieces, setPartitioning) =>
      queued(() => ({ id: nextId++, task: 'merge', built, vehicles, pieces, ...(setPartitioning ? { setPartitioning } : {}) }), MERGE_BASE_MS + (setPartitioning?.timeLimitMs ?? 0)),
    allocate: async (input, timeLimitMs) => {
      const packed = await queued<PackedAllocation>(() => ({ id: nextId++, task: 'allocate', input: packAllocationInput(input), timeLimitMs }), ALLOCATE_BASE_MS + timeLimitMs);
      return unpackAllocation(packed, input.needs.map((n) => n.id));
    },
    warm() {
      if (!closed) thread ??= start();
    },
    async close() {
      closed = true;
      const w = thread;
      thread = undefined;
      await w?.terminate();
    },
  };
}
