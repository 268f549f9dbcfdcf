/**
 * A solve thread that misbehaves on request (tests/unit/solve-thread.test.ts): seed 1 searches for
 * ever, seed 2 ends the thread, seed 3 throws outside any handler; any other seed solves for real.
 */
import { parentPort } from 'node:worker_threads';
import { solve } from '../../src/planning/solve';
import type { SolveReply, SolveRequest } from '../../workers/solve-thread';

parentPort!.on('message', (req: SolveRequest) => {
  if (req.task !== 'solve') throw new Error('this thread only solves');
  if (req.seed === 1) for (;;);
  if (req.seed === 2) process.exit(3);
  if (req.seed === 3) setImmediate(() => { throw new Error('thread blew up'); });
  else parentPort!.postMessage({ id: req.id, ok: true, result: solve(req.problem, { timeLimitMs: req.timeLimitMs, seed: req.seed, now: () => performance.now() }) } satisfies SolveReply);
});
