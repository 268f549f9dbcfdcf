/**
 * The sandboxed solver times a sub-problem's search by searchClock (workers/planning-priority.ts):
 * the process's CPU time, never less than half the wall time. A search sharing a core with another
 * gets its whole budget of computing; on a machine too busy to give it half a core it still ends
 * at twice its budget on the wall clock.
 */
import { describe, expect, it } from 'vitest';
import { processCpuMs, searchClock } from '../../workers/planning-priority';
import { solve } from '../../src/planning/solve';
import { randomProblem } from './planning/problem.generator';

const block = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

describe('the search clock', () => {
  it('runs at half the wall clock while the process waits, not at the wall clock', () => {
    const w0 = performance.now();
    const clock = searchClock();
    expect(clock()).toBe(0);
    block(300);
    const read = clock();
    const wall = performance.now() - w0;
    // Blocked without using a core: only the floor of half the wall time moves the clock.
    expect(read).toBeGreaterThanOrEqual(149);
    expect(read).toBeLessThanOrEqual(0.5 * wall + 1);
  });

  it('runs with the CPU time while the process computes', () => {
    const clock = searchClock();
    clock();
    const cpu0 = processCpuMs();
    let x = 0;
    while (processCpuMs() - cpu0 < 100) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    expect(clock()).toBeGreaterThanOrEqual(100);
  });

  it('bounds a search: it ends once its CPU time or half its wall time reaches the budget', () => {
    const problem = randomProblem({ stops: 30, vehicles: 3, seed: 5 });
    const cpu0 = processCpuMs();
    const w0 = performance.now();
    const solution = solve(problem, { timeLimitMs: 200, now: searchClock(), seed: 1 });
    expect(solution.routes.length).toBeGreaterThan(0);
    expect(Math.max(processCpuMs() - cpu0, 0.5 * (performance.now() - w0))).toBeGreaterThanOrEqual(200);
  });
});
