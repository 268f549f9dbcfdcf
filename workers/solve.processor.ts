/**
 * Sandboxed processor of `round.solve` jobs. BullMQ forks this file in a child process, so the
 * CPU-bound solve never blocks the parent's event loop, which keeps renewing the job lock (a lock
 * that lapses would hand the job to another worker mid-solve).
 *
 * The search itself runs on a thread of this child at the planning's lower priority (PLANNING_NICE);
 * the job's reads and writes stay on the child's own thread at the usual one. When the whole child
 * was lowered, each of a solve's statements waited for a turn of it: on the district day's saturated
 * machine a sub-problem's reads took 330 ms and its writes 230 ms, against 50-70 ms later in the day
 * (120 of them, four at a time, issue #21).
 */
import { UnrecoverableError, type SandboxedJob } from 'bullmq';
import { loadConfig } from '../config/config';
import { parseJob } from '../src/contracts/jobs';
import { openDatabase } from '../src/store/db';
import { MissingRecordError, solveSubproblem, type SolveDeps } from '../src/services/rounds/round-solve.service';
import { watchParent } from './parent-watchdog';
import { searchClock } from './planning-priority';
import { createSolveThread } from './solve-thread';

let deps: Promise<Omit<SolveDeps, 'now'>> | undefined;

function solveDeps(): Promise<Omit<SolveDeps, 'now'>> {
  // The child is its own entry point: it reads the same environment the parent was given.
  deps ??= (async () => {
    const config = loadConfig(process.env);
    const database = await openDatabase({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, dataDir: config.DATA_DIR, poolSize: 2 });
    // The search only is lowered: the API and the live relay get the cores first. Its budget is this
    // process's CPU time (the child's own thread waits meanwhile), with a floor of half the wall time.
    const search = createSolveThread({ nice: config.PLANNING_NICE, budgetClock: 'cpu' });
    // Its modules load while the child opens its pool and reads the first job's sub-problem, not after.
    search.warm();
    return { db: database.db, keepPool: config.SOLVE_POOL_ROUTES, solve: search.solve };
  })();
  return deps;
}

// The parent died (kill -9): stop, rather than finish a solve nobody will collect. The IPC
// 'disconnect' covers an idle child; the watchdog thread every other case (see parent-watchdog.ts;
// started by the child's preload, or here when the processor is loaded some other way).
process.on('disconnect', () => process.exit(1));
watchParent();

export default async function solveProcessor(job: SandboxedJob): Promise<unknown> {
  if (job.name !== 'round.solve') throw new UnrecoverableError(`unknown job "${job.name}" on the solve queue`);
  const parsed = parseJob('round.solve', job.data);
  if (!parsed.ok) throw new UnrecoverableError(`bad round.solve payload: ${parsed.problem}`);
  try {
    // The search's budget is CPU time, with a floor of half the wall time (planning-priority.ts): one clock per job.
    return await solveSubproblem({ ...(await solveDeps()), now: searchClock() }, parsed.data.roundId, parsed.data.subProblemId, (pct) => job.updateProgress(pct));
  } catch (err) {
    if (err instanceof MissingRecordError) throw new UnrecoverableError(err.message);
    throw err;
  }
}
