/**
 * A solve thread that misbehaves on request (tests/unit/solve-thread.test.ts): seed 1 searches for
 * ever, seed 2 ends the thread, seed 3 throws outside any handler; any other seed solves for real.
 * Each start appends a line to the file SOLVE_THREAD_STARTS names, when set: the thread's id and
 * the nice value it loads at.
 */
import { appendFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { parentPort, threadId } from 'node:worker_threads';
import { solve } from '../../src/planning/solve';
import type { SolveReply, SolveRequest } from '../../workers/solve-thread';

if (process.env.SOLVE_THREAD_STARTS) appendFileSync(process.env.SOLVE_THREAD_STARTS, `${threadId} ${getPriority(0)}\n`);

parentPort!.on('message', (req: SolveRequest) => {
  if (req.task !== 'solve') throw new Error('this thread only solves');
  if (req.seed === 1) for (;;);
  if (req.seed === 2) process.exit(3);
  if (req.seed === 3) setImmediate(() => { throw new Error('thread blew up'); });
  else parentPort!.postMessage({ id: req.id, ok: true, result: solve(req.problem, { timeLimitMs: req.timeLimitMs, seed: req.seed, now: () => performance.now() }) } satisfies SolveReply);
});
