/**
 * Planning runs at a lower CPU priority than the API beside it (workers/planning-priority.ts,
 * PLANNING_NICE): the planning thread alone, not the thread that serves requests; and every thread
 * of a process that only plans (the sandboxed solver). Linux keeps a nice value per thread, read
 * here from /proc.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

  it('a process that only plans lowers every one of its threads, and never raises one back', () => {
    const module = fileURLToPath(new URL('../../workers/planning-priority.ts', import.meta.url));
    const script = `
      const { lowerThisProcess } = await import(${JSON.stringify(module)});
      const { readdirSync, readFileSync } = await import('node:fs');
      const nices = () => readdirSync('/proc/self/task').map((t) => { const s = readFileSync('/proc/self/task/' + t + '/stat', 'utf8'); return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[16]); });
      const before = nices();
      const lowered = lowerThisProcess(5);
      const after = nices();
      lowerThisProcess(3);
      console.log(JSON.stringify({ before, lowered, after, again: nices() }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' })) as { before: number[]; lowered: number; after: number[]; again: number[] };
    const expected = Math.max(5, ...out.before);
    expect(out.lowered).toBe(out.before.length);
    expect(out.after.every((n) => n === expected)).toBe(true);
    expect(out.again).toEqual(out.after);
  }, 30_000);
});
