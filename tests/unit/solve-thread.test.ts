/**
 * The solve thread (workers/solve-thread.ts): solves off the event loop, and a thread that dies or
 * overruns its budget fails the call with a retryable SolveThreadError, after which a fresh thread
 * takes the next solve.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { validateSolution } from '../../src/planning';
import { createSolveThread, SolveThreadError, type SolveThread } from '../../workers/solve-thread';
import { randomProblem } from './planning/problem.generator';

const problem = randomProblem({ stops: 60, vehicles: 4, seed: 11 });
const faulty = new URL('./solve-thread.faulty.ts', import.meta.url);
let thread: SolveThread | undefined;
afterEach(async () => thread?.close());

describe('solve thread', () => {
  it('solves on another thread while this event loop keeps ticking', async () => {
    thread = createSolveThread();
    let ticks = 0;
    let worstGap = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const t = performance.now();
      worstGap = Math.max(worstGap, t - last);
      last = t;
      ticks++;
    }, 10);
    const began = performance.now();
    const solution = await thread.solve(problem, { timeLimitMs: 1500, seed: 5 }).finally(() => clearInterval(timer));
    // The search used its budget (so the ticks below were measured while it ran)...
    expect(performance.now() - began).toBeGreaterThanOrEqual(1500);
    expect(validateSolution(problem, solution).ok).toBe(true);
    expect(solution.routes.length).toBeGreaterThan(0);
    // ...and this loop was never held for long (a synchronous solve would hold it 1.5 s).
    expect(ticks).toBeGreaterThan(30);
    expect(worstGap).toBeLessThan(500);
  }, 30_000);

  it('reuses one thread for consecutive solves', async () => {
    thread = createSolveThread();
    const [a, b] = await Promise.all([thread.solve(problem, { timeLimitMs: 200, seed: 1 }), thread.solve(problem, { timeLimitMs: 200, seed: 2 })]);
    expect(validateSolution(problem, a).ok && validateSolution(problem, b).ok).toBe(true);
  }, 30_000);

  it('terminates a search far past its budget with a retryable error, then solves on a fresh thread', async () => {
    thread = createSolveThread({ entry: faulty, overrunMs: () => 1000 });
    const began = performance.now();
    const err = await thread.solve(problem, { timeLimitMs: 100, seed: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SolveThreadError);
    expect((err as Error).message).toMatch(/still busy 1100 ms .* 100 ms budget: terminated/);
    expect(performance.now() - began).toBeGreaterThanOrEqual(1100);
    expect(validateSolution(problem, await thread.solve(problem, { timeLimitMs: 100, seed: 7 })).ok).toBe(true);
  }, 30_000);

  it('a thread that exits or crashes mid-solve fails that solve only', async () => {
    thread = createSolveThread({ entry: faulty });
    await expect(thread.solve(problem, { timeLimitMs: 100, seed: 2 })).rejects.toThrow(SolveThreadError);
    await expect(thread.solve(problem, { timeLimitMs: 100, seed: 3 })).rejects.toThrow(/solve thread crashed: thread blew up/);
    expect(validateSolution(problem, await thread.solve(problem, { timeLimitMs: 100, seed: 7 })).ok).toBe(true);
  }, 30_000);

  it('refuses to solve once closed', async () => {
    thread = createSolveThread();
    await thread.close();
    await expect(thread.solve(problem, { timeLimitMs: 100, seed: 1 })).rejects.toThrow(/closed/);
  });
});
