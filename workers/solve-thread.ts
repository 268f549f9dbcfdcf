/**
 * Runs the planning core's pure `solve()` on a worker thread. With PGlite the `round.solve` job runs
 * in the API's own process (one database connection, which a sandboxed child cannot share); the
 * search, synchronous and CPU-bound for up to the round's budget, would otherwise freeze the event
 * loop: HTTP requests, live sockets and job lock renewals. Loading and storing stay with the caller.
 *
 * One thread, started on first use and reused; solves go through it one at a time. A thread that
 * crashes, exits, or is still searching long after its budget (it is then terminated) fails the call
 * with a SolveThreadError: a plain error, so the job is retried, never reported as infeasible. The
 * next call starts a fresh thread.
 */
import { Worker } from 'node:worker_threads';
import type { Problem, Solution } from '../src/planning';
import type { SolvedPoolRoute, SolveStats } from '../src/planning/solve';

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

export interface SolveThread {
  solve: ThreadSolve;
  /** Terminates the thread (a solve still running fails with a SolveThreadError). */
  close(): Promise<void>;
}

/** The thread died or overran its budget: the solve may succeed on a retry. */
export class SolveThreadError extends Error {
  override readonly name = 'SolveThreadError';
}

/** Messages between this module and solve-thread.worker.ts. */
export interface SolveRequest extends ThreadSolveOptions {
  id: number;
  problem: Problem;
}
export type SolveReply = { id: number; ok: true; solution: ThreadSolution } | { id: number; ok: false; message: string };

export interface SolveThreadOptions {
  /**
   * How long past its budget a search may run before the thread is terminated, ms. Default: the
   * budget again, at least 10 s (thread start-up, the final local search and check, a busy machine:
   * solve() itself stops within a fraction of a second of its budget when it has a core).
   */
  overrunMs?: (timeLimitMs: number) => number;
  /** TypeScript entry of the thread; tests substitute their own. Default solve-thread.worker.ts. */
  entry?: URL;
}

const BOOT = new URL('./solve-thread.boot.mjs', import.meta.url);
const ENTRY = new URL('./solve-thread.worker.ts', import.meta.url);

export function createSolveThread(options: SolveThreadOptions = {}): SolveThread {
  const overrunMs = options.overrunMs ?? ((limit: number) => Math.max(10_000, limit));
  const entry = (options.entry ?? ENTRY).href;
  let thread: Worker | undefined;
  let nextId = 1;
  let closed = false;
  // Solves run one after another: each waits for the previous one to settle.
  let tail: Promise<unknown> = Promise.resolve();

  function start(): Worker {
    const w = new Worker(BOOT, { workerData: { entry } });
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

  function runOne(problem: Problem, opts: ThreadSolveOptions): Promise<ThreadSolution> {
    if (closed) return Promise.reject(new SolveThreadError('the solve thread is closed'));
    const w = (thread ??= start());
    const id = nextId++;
    const allowedMs = opts.timeLimitMs + overrunMs(opts.timeLimitMs);
    return new Promise<ThreadSolution>((resolve, reject) => {
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
        if (reply.ok) resolve(reply.solution);
        else reject(new Error(`solve failed: ${reply.message}`));
      };
      const onError = (err: Error) => fail(new SolveThreadError(`solve thread crashed: ${err.message}`));
      const onExit = (code: number) => fail(new SolveThreadError(`solve thread exited (code ${code}) during a solve`));
      const watchdog = setTimeout(
        () => fail(new SolveThreadError(`solve thread still busy ${allowedMs} ms after it was given a ${opts.timeLimitMs} ms budget: terminated`)),
        allowedMs,
      );
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.postMessage({ id, problem, ...opts } satisfies SolveRequest);
    });
  }

  return {
    solve(problem, opts) {
      const run = tail.then(() => runOne(problem, opts));
      tail = run.catch(() => undefined);
      return run;
    },
    async close() {
      closed = true;
      const w = thread;
      thread = undefined;
      await w?.terminate();
    },
  };
}
