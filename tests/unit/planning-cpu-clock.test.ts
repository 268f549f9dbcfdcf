/**
 * The sandboxed solver times a sub-problem's search by this process's CPU time (processCpuMs in
 * workers/planning-priority.ts): a search sharing the cores with other solves, the API and the
 * database gets its whole budget of computing, not a share of the wall clock.
 */
import { describe, expect, it } from 'vitest';
import { processCpuMs } from '../../workers/planning-priority';
import { solve } from '../../src/planning/solve';
import { randomProblem } from './planning/problem.generator';

describe('the planning process clock', () => {
  it('does not run while the process waits, and runs while it computes', () => {
    const cpu0 = processCpuMs();
    const wall0 = performance.now();
    // Blocked without using a core: time passes on the wall, not on the CPU clock.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
    expect(performance.now() - wall0).toBeGreaterThanOrEqual(290);
    expect(processCpuMs() - cpu0).toBeLessThan(100);

    const cpu1 = processCpuMs();
    let x = 0;
    while (processCpuMs() - cpu1 < 50) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    expect(processCpuMs() - cpu1).toBeGreaterThanOrEqual(50);
  });

  it('bounds a search as a budget of CPU time', () => {
    const problem = randomProblem({ stops: 30, vehicles: 3, seed: 5 });
    const start = processCpuMs();
    const solution = solve(problem, { timeLimitMs: 200, now: processCpuMs, seed: 1 });
    const used = processCpuMs() - start;
    expect(solution.routes.length).toBeGreaterThan(0);
    expect(used).toBeGreaterThanOrEqual(200);
    // It stops once the budget is spent (a generous bound: GC threads count too).
    expect(used).toBeLessThan(2_000);
  });
});
