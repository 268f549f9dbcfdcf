/**
 * The solve thread (workers/solve-thread.ts): solves off the event loop, and a thread that dies or
 * overruns its budget fails the call with a retryable SolveThreadError, after which a fresh thread
 * takes the next solve.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { validateSolution } from '../../src/planning';
import { mergeRoundPieces, type StoredPiece } from '../../src/planning/adapters/round-merge';
import { buildProblem, toPlanPieces, type NeedForPlan, type VehicleForPlan } from '../../src/planning/adapters/round-problem';
import { loadHighs } from '../../src/planning/lp/highs.adapter';
import { allocateWithPreferredSolver } from '../../src/planning/allocation/allocate-round';
import type { NeedToAllocate } from '../../src/planning/allocation/round-allocation';
import { createSolveThread, SolveThreadError, type SolveThread } from '../../workers/solve-thread';
import { randomProblem } from './planning/problem.generator';

const problem = randomProblem({ stops: 60, vehicles: 4, seed: 11 });
const faulty = new URL('./solve-thread.faulty.ts', import.meta.url);
let thread: SolveThread | undefined;
afterEach(async () => thread?.close());

describe('solve thread', () => {
  it('solves on another thread: this event loop keeps running while a search runs', async () => {
    // A search that never ends (the faulty thread's seed 1): the loop must keep turning all along;
    // a search on this loop would hold it, and not one tick would come. The thread is started by a
    // first, real solve, so the ticks below are counted while it searches, not while it boots.
    thread = createSolveThread({ entry: faulty });
    expect(validateSolution(problem, await thread.solve(problem, { timeLimitMs: 50, seed: 7 })).ok).toBe(true);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    let settled = false;
    const searching = thread.solve(problem, { timeLimitMs: 100, seed: 1 }).finally(() => (settled = true));
    try {
      await vi.waitUntil(() => ticks >= 20, { timeout: 20_000, interval: 10 });
      expect(settled).toBe(false);
    } finally {
      clearInterval(timer);
      await thread.close();
    }
    await expect(searching).rejects.toThrow(SolveThreadError);
  }, 30_000);

  it('a real search on the thread gives a valid plan', async () => {
    thread = createSolveThread();
    const solution = await thread.solve(problem, { timeLimitMs: 1500, seed: 5 });
    expect(validateSolution(problem, solution).ok).toBe(true);
    expect(solution.routes.length).toBeGreaterThan(0);
  }, 30_000);

  it('reuses one thread for consecutive solves', async () => {
    thread = createSolveThread();
    const [a, b] = await Promise.all([thread.solve(problem, { timeLimitMs: 200, seed: 1 }), thread.solve(problem, { timeLimitMs: 200, seed: 2 })]);
    expect(validateSolution(problem, a).ok && validateSolution(problem, b).ok).toBe(true);
  }, 30_000);

  it('starts its thread when warmed, lowered before its modules load, and gives the first task to that thread', async () => {
    const starts = join(await mkdtemp(join(tmpdir(), 'solve-thread-')), 'starts');
    const nice = Math.min(19, getPriority(0) + 5);
    vi.stubEnv('SOLVE_THREAD_STARTS', starts);
    try {
      thread = createSolveThread({ entry: faulty, nice });
      thread.warm();
      thread.warm();
      await vi.waitUntil(() => existsSync(starts), { timeout: 20_000, interval: 20 });
      expect(validateSolution(problem, await thread.solve(problem, { timeLimitMs: 50, seed: 7 })).ok).toBe(true);
      const lines = readFileSync(starts, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(Number(lines[0]!.split(' ')[1])).toBe(nice);
    } finally {
      vi.unstubAllEnvs();
    }
  }, 30_000);

  it('terminates a search far past its budget with a retryable error, then solves on a fresh thread', async () => {
    // 1 s past the stuck search's 100 ms; the retry's fresh thread is given time to start (a busy machine).
    thread = createSolveThread({ entry: faulty, overrunMs: (budget) => (budget === 100 ? 1000 : 30_000) });
    // The watchdog on a fake clock (the thread runs for real): not a millisecond before budget + overrun.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let outcome: unknown = 'searching';
    try {
      void thread.solve(problem, { timeLimitMs: 100, seed: 1 }).then(() => (outcome = 'solved'), (e: unknown) => (outcome = e));
      await vi.advanceTimersByTimeAsync(1099);
      expect(outcome).toBe('searching');
      await vi.advanceTimersByTimeAsync(1);
    } finally {
      vi.useRealTimers();
    }
    await vi.waitUntil(() => outcome !== 'searching', { timeout: 10_000 });
    expect(outcome).toBeInstanceOf(SolveThreadError);
    expect((outcome as Error).message).toMatch(/still busy 1100 ms .* 100 ms budget: terminated/);
    expect(validateSolution(problem, await thread.solve(problem, { timeLimitMs: 150, seed: 7 })).ok).toBe(true);
  }, 60_000);

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

  it("merges a round's results on the thread (HiGHS loaded there for set partitioning), as the merge in process does", async () => {
    // Three gates on one van, solved as one sub-problem in the order the search left them.
    const needs: NeedForPlan[] = ['k1', 'k2', 'k3'].map((corridorId, i) => ({
      id: `n${i}`, kind: 'food_package', urgency: 'routine', corridorId, members: 6, quantity: null, lat: 31.2 + 0.003 * ((i * 2) % 3), lon: 121.4,
    }));
    const vehicles: VehicleForPlan[] = [{ id: 'v1', depotId: 'd1', depotLat: 31.19, depotLon: 121.4, capacity: { bags: 10 }, skills: [] }];
    const built = buildProblem(needs, vehicles);
    const route = { vehicle: 0, stops: [0, 1, 2], distance: 0, duration: 0, cost: 0, load: [6, 48, 0], starts: [0, 0, 0] };
    const piece: StoredPiece = { subproblemId: 'sp1', vehicleIds: ['v1'], ...toPlanPieces(built, vehicles, { routes: [route], unserved: [], cost: 0, distance: 0 }, 'sp1') };
    thread = createSolveThread();
    const onThread = await thread.merge(built, vehicles, [piece], { timeLimitMs: 1000 });
    const here = mergeRoundPieces(built, vehicles, [piece], { setPartitioning: { solver: await loadHighs(), timeLimitMs: 1000, now: () => performance.now() } });
    expect(onThread.kind).toBe('repaired');
    if (onThread.kind !== 'repaired' || here.kind !== 'repaired') throw new Error(`merged ${onThread.kind}, in process ${here.kind}`);
    expect(onThread.plan).toEqual(here.plan);
    expect(onThread.setPartitioning.status).toBe(here.setPartitioning.status);
    expect(onThread.setPartitioning.status).not.toBe('off');
  }, 30_000);

  it("allocates a round's stock on the thread (HiGHS chosen there for a large model), as the allocation in process does", async () => {
    // 400 communities asking for two items of one short stock: 800 lines, past javascript-lp-solver's range.
    const needs: NeedToAllocate[] = Array.from({ length: 1200 }, (_, i) => ({
      id: `n${i}`, group: `c${i % 400}`, priority: i % 7 === 0 ? 1 : 3,
      components: [{ item: 'rice', quantity: 2, substitutes: ['noodles'], optional: false }, { item: 'oil', quantity: 1, substitutes: [], optional: true }],
    }));
    const input = { needs, stock: { rice: 1500, noodles: 300, oil: 700 } };
    thread = createSolveThread();
    const onThread = await thread.allocate(input, 5000);
    const here = await allocateWithPreferredSolver(input, 5000, () => performance.now());
    expect(onThread.solver).toBe('highs');
    expect(here.solver).toBe('highs');
    expect(onThread.allocation.needs).toEqual(here.allocation.needs);
    expect(onThread.allocation.lines).toEqual(here.allocation.lines);
    // Short stock: some served, some not, every served need within what the depots hold.
    const served = onThread.allocation.needs.filter((a) => a.served);
    expect(served.length).toBeGreaterThan(0);
    expect(served.length).toBeLessThan(needs.length);
    const given = (item: string) => served.flatMap((a) => (a.served ? a.lines : [])).filter((l) => l.item === item).reduce((t, l) => t + l.quantity, 0);
    for (const [item, q] of Object.entries(input.stock)) expect(given(item)).toBeLessThanOrEqual(q);
  }, 60_000);
});
