/**
 * Planning runs at a lower CPU priority than the API beside it (workers/planning-priority.ts,
 * PLANNING_NICE): the planning thread alone, not the thread that serves requests (or, in the
 * sandboxed solver, reads and stores the job's data). Linux keeps a nice value per thread, read here
 * from /proc.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createSolveThread, type SolveThread } from '../../workers/solve-thread';
import { randomProblem } from './planning/problem.generator';

const linux = existsSync('/proc/self/task');
/** The nice value of each thread of this process (field 19 of its stat, after the command name). */
function niceOfThreads(): Map<number, number> {
  return new Map(readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return [Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])];
  }));
}

let thread: SolveThread | undefined;
afterEach(async () => thread?.close());

describe.runIf(linux)('planning priority', () => {
  it('the planning thread runs at PLANNING_NICE; the thread serving requests keeps its priority', async () => {
    const before = niceOfThreads().get(process.pid)!;
    const nice = Math.min(19, before + 7);
    thread = createSolveThread({ nice });
    // A first solve starts the thread.
    await thread.solve(randomProblem({ stops: 12, vehicles: 2, seed: 3 }), { timeLimitMs: 50, seed: 1 });
    const nices = niceOfThreads();
    expect(nices.get(process.pid)).toBe(before);
    expect([...nices.values()].filter((n) => n === nice).length).toBeGreaterThanOrEqual(1);
    expect(nice).toBeGreaterThan(before);
  }, 30_000);
});
