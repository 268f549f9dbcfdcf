/**
 * Body of the solve thread (started by solve-thread.ts through solve-thread.boot.mjs): runs the pure
 * `solve()` of the planning core on each problem it is sent and posts the solution back. Nothing here
 * touches the database or the queue; the problem and the solution are plain data (structured clone).
 */
import { parentPort } from 'node:worker_threads';
import { solve } from '../src/planning/solve';
import type { SolveRequest, SolveReply } from './solve-thread';

const port = parentPort;
if (!port) throw new Error('solve-thread.worker.ts runs as a worker thread only');

port.on('message', (req: SolveRequest) => {
  let reply: SolveReply;
  try {
    // This thread's clock: the budget is a duration, so its origin does not matter.
    const solution = solve(req.problem, { timeLimitMs: req.timeLimitMs, seed: req.seed, now: () => performance.now(), keepPool: req.keepPool ?? 0 });
    reply = { id: req.id, ok: true, solution };
  } catch (err) {
    // solve() checks its own plan (validateSolution) and throws rather than return a bad one.
    reply = { id: req.id, ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply);
});
