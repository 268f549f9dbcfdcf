/**
 * Body of the planning thread (started by solve-thread.ts through solve-thread.boot.mjs): runs the
 * pure `solve()` of the planning core, a round's stock allocation, or a round's merge (`mergeRoundPieces`, with HiGHS loaded here
 * once for its set partitioning), on each request it is sent and posts the result back. Nothing here
 * touches the database or the queue; requests and results are plain data (structured clone).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { mergeRoundPieces } from '../src/planning/adapters/round-merge';
import { allocateWithPreferredSolver } from '../src/planning/allocation/allocate-round';
import { loadHighs } from '../src/planning/lp/highs.adapter';
import type { LpSolver } from '../src/planning/lp/lp.model';
import { solve } from '../src/planning/solve';
import { packAllocation, unpackAllocationInput } from './allocation-wire';
import { searchClock } from './planning-priority';
import type { SolveRequest, SolveReply } from './solve-thread';

const port = parentPort;
if (!port) throw new Error('solve-thread.worker.ts runs as a worker thread only');
// Lowered to workerData.nice by the boot (solve-thread.boot.mjs): searches are batch work, the
// process's own event loop (HTTP, live sockets, job locks) gets the core first.
const options = workerData as { budgetClock?: 'wall' | 'cpu' };

let highs: Promise<LpSolver> | undefined;
// This thread's clock: budgets are durations, so its origin does not matter.
const now = () => performance.now();

async function run(req: SolveRequest): Promise<unknown> {
  if (req.task === 'solve') {
    // A search's budget: on the wall clock, or (the sandboxed solver) on the process's CPU time, a clock per search.
    const clock = options.budgetClock === 'cpu' ? searchClock() : now;
    return solve(req.problem, { timeLimitMs: req.timeLimitMs, seed: req.seed, now: clock, keepPool: req.keepPool ?? 0 });
  }
  if (req.task === 'allocate') return packAllocation(await allocateWithPreferredSolver(unpackAllocationInput(req.input), req.timeLimitMs, now), req.input.ids);
  const sp = req.setPartitioning;
  return mergeRoundPieces(req.built, req.vehicles, req.pieces, sp ? { setPartitioning: { solver: await (highs ??= loadHighs()), timeLimitMs: sp.timeLimitMs, now } } : {});
}

port.on('message', (req: SolveRequest) => {
  void run(req).then(
    (result) => port.postMessage({ id: req.id, ok: true, result } satisfies SolveReply),
    // solve() and the merge check their own plans (validateSolution) and throw rather than return a bad one.
    (err: unknown) => port.postMessage({ id: req.id, ok: false, message: err instanceof Error ? err.message : String(err) } satisfies SolveReply),
  );
});
