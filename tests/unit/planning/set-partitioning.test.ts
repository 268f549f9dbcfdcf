import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { selectRoutes, type PoolRoute } from '../../../src/planning/routing/set-partitioning';
import { checkSelection, filterPool } from '../../../src/planning/routing/set-partitioning.pool';
import { jsLpSolver } from '../../../src/planning/lp/js-lp-solver.adapter';
import { loadHighs } from '../../../src/planning/lp/highs.adapter';
import type { LpResult, LpSolver } from '../../../src/planning/lp/lp.model';

const now = (): number => performance.now();
let highs: LpSolver;
beforeAll(async () => {
  highs = await loadHighs();
});

/** Cheapest partition by trying every subset of the pool (pools of at most 12 routes). */
function bruteForce(pool: PoolRoute[], stopCount: number, exactRoutes?: number): number | null {
  let best: number | null = null;
  for (let mask = 1; mask < 1 << pool.length; mask++) {
    const sel = pool.flatMap((_, i) => ((mask >> i) & 1 ? [i] : []));
    const c = checkSelection(pool, sel, { stopCount, ...(exactRoutes !== undefined ? { exactRoutes } : {}) });
    if (c.ok && (best === null || c.cost < best)) best = c.cost;
  }
  return best;
}

const poolArb = fc.integer({ min: 3, max: 7 }).chain((stopCount) =>
  fc.record({
    stopCount: fc.constant(stopCount),
    pool: fc.array(
      fc.record({ stops: fc.uniqueArray(fc.integer({ min: 0, max: stopCount - 1 }), { minLength: 1, maxLength: 4 }), cost: fc.integer({ min: 1, max: 100 }) }),
      { minLength: 1, maxLength: 12 },
    ),
    exact: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  }),
);

describe('selectRoutes', () => {
  it('equals brute force on small random pools, with both solvers', () => {
    fc.assert(
      fc.property(poolArb, ({ stopCount, pool, exact }) => {
        const best = bruteForce(pool, stopCount, exact);
        for (const solver of [jsLpSolver, highs]) {
          const r = selectRoutes(pool, { stopCount, ...(exact !== undefined ? { exactRoutes: exact } : {}), timeLimitMs: 5000, solver, now });
          if (best === null) {
            expect(r.status, solver.name).toBe('infeasible');
            expect(r.routes).toBeNull();
          } else {
            expect(r.status, `${solver.name} ${r.detail ?? ''}`).toBe('optimal');
            expect(r.cost).toBe(best);
            expect(checkSelection(pool, r.routes ?? [], { stopCount, ...(exact !== undefined ? { exactRoutes: exact } : {}) })).toEqual({ ok: true, cost: best });
          }
        }
      }),
      { numRuns: 120, seed: 3 },
    );
  });

  it('with a pool limit, still returns a verified partition no worse than the incumbent', () => {
    fc.assert(
      fc.property(poolArb, fc.integer({ min: 1, max: 8 }), fc.boolean(), ({ stopCount, pool: extra }, limit, withIncumbent) => {
        // Singletons first: a known partition to serve as incumbent (and coverage without one).
        const pool = [...Array.from({ length: stopCount }, (_, s) => ({ stops: [s], cost: 60 })), ...extra];
        const incumbent = Array.from({ length: stopCount }, (_, s) => s);
        for (const solver of [jsLpSolver, highs]) {
          const r = selectRoutes(pool, { stopCount, timeLimitMs: 5000, solver, now, poolLimit: limit, ...(withIncumbent ? { incumbent } : {}) });
          if (!withIncumbent && r.routes === null) {
            // Only a cut pool may come back empty-handed, and never as "infeasible".
            expect(r.status).toBe('no-solution-in-time');
            expect(r.stats.solved).toBeLessThan(r.stats.kept);
            continue;
          }
          expect(r.routes).not.toBeNull();
          const check = checkSelection(pool, r.routes ?? [], { stopCount });
          expect(check).toEqual({ ok: true, cost: r.cost });
          if (withIncumbent) expect(r.cost).toBeLessThanOrEqual(60 * stopCount);
          expect(r.stats.solved).toBeLessThanOrEqual(Math.max(limit, stopCount));
          if (limit >= pool.length) expect(r.cost).toBe(bruteForce(pool.slice(0, 12), stopCount) ?? r.cost);
        }
      }),
      { numRuns: 100, seed: 4 },
    );
  });

  it('cuts a big pool with LP duals (HiGHS), and stops early when the relaxation proves the incumbent optimal', () => {
    const singles = [0, 1, 2, 3].map((s) => ({ stops: [s], cost: 1 }));
    const pairs = [[0, 1], [2, 3], [0, 2], [1, 3]].map((stops) => ({ stops, cost: 5 }));
    const proved = selectRoutes([...singles, ...pairs], { stopCount: 4, timeLimitMs: 5000, solver: highs, now, poolLimit: 4, incumbent: [0, 1, 2, 3] });
    expect(proved).toMatchObject({ status: 'incumbent', routes: [0, 1, 2, 3], cost: 4 });
    expect(proved.detail).toMatch(/proves the incumbent optimal/);
    // Pairs now cheaper than their singles: the duals must rank the improving pairs above the rest.
    const cheapPairs = [...singles.map((r) => ({ ...r, cost: 3 })), ...pairs.map((r, i) => ({ ...r, cost: i < 2 ? 2 : 7 })), { stops: [0, 1, 2], cost: 50 }, { stops: [1, 2, 3], cost: 50 }];
    const cut = selectRoutes(cheapPairs, { stopCount: 4, timeLimitMs: 5000, solver: highs, now, poolLimit: 6, incumbent: [0, 1, 2, 3] });
    expect(cut).toMatchObject({ status: 'optimal', routes: [4, 5], cost: 4, improved: true });
    expect(cut.stats.solved).toBe(6);
  });

  it('drops dominated and invalid routes before solving', () => {
    const pool: PoolRoute[] = [
      { stops: [0, 1], cost: 10 },
      { stops: [1, 0], cost: 8 }, // same stop set, cheaper: keeps this one
      { stops: [2], cost: 5 },
      { stops: [2, 2], cost: 1 }, // repeats a stop
      { stops: [7], cost: 1 }, // out of range
    ];
    const f = filterPool(pool, 3);
    expect(f).toMatchObject({ kept: [1, 2], dominated: 1, invalid: 2 });
    expect(f.keptFor).toEqual([0, 0, 1, -1, -1]);
    const r = selectRoutes(pool, { stopCount: 3, timeLimitMs: 1000, solver: jsLpSolver, now, incumbent: [0, 2] });
    expect(r).toMatchObject({ status: 'optimal', routes: [1, 2], cost: 13, improved: true });
  });

  it('says infeasible without solving when a stop is on no route', () => {
    const r = selectRoutes([{ stops: [0], cost: 1 }], { stopCount: 2, timeLimitMs: 1000, solver: jsLpSolver, now });
    expect(r).toMatchObject({ status: 'infeasible', routes: null, solverStatus: 'not-run' });
  });

  const stub = (result: Partial<LpResult>): LpSolver => ({
    name: 'jsLpSolver',
    reportsDuals: false,
    solve: () => ({ status: 'no-solution-in-time', objective: null, values: null, solver: 'jsLpSolver', elapsedMs: 0, ...result }),
  });
  const pool: PoolRoute[] = [
    { stops: [0, 1], cost: 10 },
    { stops: [0], cost: 3 },
    { stops: [1], cost: 3 },
  ];

  it('keeps the incumbent when the solver runs out of time, and says so when there is none', () => {
    const r = selectRoutes(pool, { stopCount: 2, timeLimitMs: 10, solver: stub({}), now, incumbent: [0] });
    expect(r).toMatchObject({ status: 'incumbent', routes: [0], cost: 10, improved: false, solverStatus: 'no-solution-in-time' });
    const none = selectRoutes(pool, { stopCount: 2, timeLimitMs: 10, solver: stub({}), now });
    expect(none).toMatchObject({ status: 'no-solution-in-time', routes: null });
  });

  it('never returns a selection that is not a partition, whatever the solver says', () => {
    const liar = stub({ status: 'optimal', values: [1, 1, 0], objective: 13 }); // stop 0 twice
    expect(selectRoutes(pool, { stopCount: 2, timeLimitMs: 10, solver: liar, now })).toMatchObject({ status: 'error', routes: null });
    expect(selectRoutes(pool, { stopCount: 2, timeLimitMs: 10, solver: liar, now, incumbent: [0] })).toMatchObject({ status: 'incumbent', routes: [0] });
  });

  it('respects a maximum route count and rejects an incumbent that breaks it', () => {
    const r = selectRoutes(pool, { stopCount: 2, maxRoutes: 1, timeLimitMs: 1000, solver: jsLpSolver, now, incumbent: [1, 2] });
    expect(r).toMatchObject({ status: 'optimal', routes: [0], cost: 10, improved: false });
    expect(r.detail).toMatch(/incumbent rejected/);
  });
});
