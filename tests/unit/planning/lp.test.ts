import { describe, expect, it, beforeAll } from 'vitest';
import fc from 'fast-check';
import { jsLpSolver } from '../../../src/planning/lp/js-lp-solver.adapter';
import { loadHighs } from '../../../src/planning/lp/highs.adapter';
import { checkSolution, finishResult } from '../../../src/planning/lp/lp.check';
import { toCplexLp } from '../../../src/planning/lp/lp.format';
import type { LpModel, LpSolver } from '../../../src/planning/lp/lp.model';
import { preferredSolver } from '../../../src/planning/lp/solver-choice';

const now = (): number => performance.now();
let highs: LpSolver;
beforeAll(async () => {
  highs = await loadHighs();
});
const solvers = (): LpSolver[] => [jsLpSolver, highs];

// Maximise 30 chairs + 50 tables; carpentry chairs + 2 tables <= 40; finishing 2 chairs + tables <= 50.
const workshop = (type: 'integer' | 'continuous', carpentry = 40): LpModel => ({
  sense: 'max',
  variables: [
    { name: 'chairs', cost: 30, type },
    { name: 'tables', cost: 50, type },
  ],
  constraints: [
    { terms: [{ v: 0, coef: 1 }, { v: 1, coef: 2 }], op: '<=', rhs: carpentry },
    { terms: [{ v: 0, coef: 2 }, { v: 1, coef: 1 }], op: '<=', rhs: 50 },
  ],
});

describe('solver adapters', () => {
  it('agree on an LP and a MILP with known optima', () => {
    for (const s of solvers()) {
      const lp = s.solve(workshop('continuous', 41), { timeLimitMs: 5000, now });
      expect(lp.status, s.name).toBe('optimal');
      expect(lp.objective).toBeCloseTo(30 * 59 / 3 + 50 * 32 / 3, 6); // vertex (59/3, 32/3)
      const mip = s.solve(workshop('integer', 41), { timeLimitMs: 5000, now });
      expect(mip.status, s.name).toBe('optimal');
      expect(mip.objective).toBe(1120); // (20, 10) = 1100 < (19, 11) = 1120 within 2 * 11 + 19 = 41
      expect(mip.values).toEqual([19, 11]);
    }
  });

  it('report infeasible and unbounded models, and honour negative, free and fixed bounds', () => {
    const infeasible: LpModel = { sense: 'min', variables: [{ name: 'a' }], constraints: [{ terms: [{ v: 0, coef: 1 }], op: '>=', rhs: 2 }, { terms: [{ v: 0, coef: 1 }], op: '<=', rhs: 1 }] };
    const unbounded: LpModel = { sense: 'max', variables: [{ name: 'a', cost: 1 }], constraints: [] };
    const bounds: LpModel = {
      sense: 'min',
      variables: [{ name: 'free', cost: 1, lower: -Infinity }, { name: 'neg', cost: 1, lower: -3, upper: -1 }, { name: 'fixed', cost: -1, lower: 2, upper: 2 }],
      constraints: [{ terms: [{ v: 0, coef: 1 }, { v: 1, coef: 1 }], op: '>=', rhs: -10 }, { terms: [{ v: 0, coef: 1 }], op: '=', rhs: -7 }],
    };
    for (const s of solvers()) {
      expect(s.solve(infeasible, { timeLimitMs: 5000, now }).status, s.name).toBe('infeasible');
      expect(s.solve(unbounded, { timeLimitMs: 5000, now }).status, s.name).toBe('unbounded');
      const r = s.solve(bounds, { timeLimitMs: 5000, now });
      expect(r.status, s.name).toBe('optimal');
      expect(r.values).toEqual([-7, -3, 2]);
      expect(r.objective).toBe(-12);
    }
  });

  it('match brute force on random small integer programs', () => {
    // 3 integer variables in [0, 4]: enumerate all 125 points for the true optimum.
    const arb = fc.record({
      cost: fc.array(fc.integer({ min: -9, max: 9 }), { minLength: 3, maxLength: 3 }),
      rows: fc.array(fc.record({ coef: fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 3, maxLength: 3 }), op: fc.constantFrom('<=' as const, '>=' as const, '=' as const), rhs: fc.integer({ min: -6, max: 12 }) }), { minLength: 1, maxLength: 3 }),
      sense: fc.constantFrom('min' as const, 'max' as const),
    });
    fc.assert(
      fc.property(arb, ({ cost, rows, sense }) => {
        const model: LpModel = {
          sense,
          variables: cost.map((c, i) => ({ name: `y${i}`, cost: c, type: 'integer' as const, upper: 4 })),
          constraints: rows.map((r) => ({ terms: r.coef.map((coef, v) => ({ v, coef })), op: r.op, rhs: r.rhs })),
        };
        let best: number | null = null;
        for (let p = 0; p < 125; p++) {
          const point = [p % 5, Math.floor(p / 5) % 5, Math.floor(p / 25)];
          const check = checkSolution(model, point);
          if (check.ok && (best === null || (sense === 'min' ? check.objective < best : check.objective > best))) best = check.objective;
        }
        for (const s of solvers()) {
          const r = s.solve(model, { timeLimitMs: 5000, now });
          if (best === null) expect(r.status, s.name).toBe('infeasible');
          else {
            expect(r.status, s.name).toBe('optimal');
            expect(r.objective, s.name).toBe(best);
          }
        }
      }),
      { numRuns: 150, seed: 42 },
    );
  });
});

describe('preferredSolver', () => {
  it('takes javascript-lp-solver for small models or without HiGHS, HiGHS above the measured cross-over', () => {
    expect(preferredSolver('allocation', 100, { jsLpSolver, highs }).name).toBe('jsLpSolver');
    expect(preferredSolver('allocation', 5000, { jsLpSolver, highs }).name).toBe('highs');
    expect(preferredSolver('set-partitioning', 3000, { jsLpSolver, highs }).name).toBe('highs');
    expect(preferredSolver('set-partitioning', 3000, { jsLpSolver }).name).toBe('jsLpSolver');
  });
});

describe('the result check', () => {
  const mip = workshop('integer');
  it('rejects a fractional answer to a MILP and an infeasible point', () => {
    expect(checkSolution(mip, [13.5, 13]).ok).toBe(false); // the kind of relaxation jsLP can return
    expect(checkSolution(mip, [22, 7]).violation).toMatch(/constraint 1/);
    expect(checkSolution(mip, [-1, 0]).violation).toMatch(/lower bound/);
    expect(checkSolution(mip, [20, 10])).toMatchObject({ ok: true, objective: 1100 });
  });

  it('downgrades a rejected answer: error normally, no-solution-in-time after a time-out, never a solution', () => {
    const claimed = { kind: 'solution' as const, values: [13.5, 13], proved: true };
    expect(finishResult(mip, 'jsLpSolver', 5, claimed, false)).toMatchObject({ status: 'error', values: null, objective: null });
    expect(finishResult(mip, 'jsLpSolver', 5, claimed, true)).toMatchObject({ status: 'no-solution-in-time', values: null });
    expect(finishResult(mip, 'highs', 5, { kind: 'solution', values: [20, 10], proved: false }, true)).toMatchObject({ status: 'feasible', objective: 1100 });
  });

  it('never reports infeasible when a time limit was hit', () => {
    expect(finishResult(mip, 'jsLpSolver', 5, { kind: 'infeasible' }, true).status).toBe('no-solution-in-time');
    // A clock that jumps past the limit during the solve: the adapters must not claim a proof.
    const infeasible: LpModel = { sense: 'min', variables: [{ name: 'a', type: 'integer' }], constraints: [{ terms: [{ v: 0, coef: 2 }], op: '=', rhs: 3 }] };
    // (javascript-lp-solver's own verdict is judged by the clock; HiGHS reports its time limit itself.)
    let t = 0;
    const jumpy = (): number => (t += 1000);
    expect(jsLpSolver.solve(infeasible, { timeLimitMs: 500, now: jumpy }).status).toBe('no-solution-in-time');
    t = 0;
    expect(jsLpSolver.solve(mip, { timeLimitMs: 500, now: jumpy }).status).toBe('feasible');
  });

  it('a real 1 ms limit on a feasible MILP gives a verified answer or no-solution-in-time, never infeasible', () => {
    // 60 binaries covering 30 rows, each row covered by every column j = row (mod 30) so a cover exists.
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const cols = Array.from({ length: 60 }, (_, j) => ({ rows: [j % 30, ...Array.from({ length: 4 }, () => Math.floor(rand() * 30))], cost: 1 + Math.floor(rand() * 50) }));
    const model: LpModel = {
      sense: 'min',
      variables: cols.map((c, j) => ({ name: `c${j}`, cost: c.cost, type: 'binary' })),
      constraints: Array.from({ length: 30 }, (_, r) => ({ terms: cols.flatMap((c, v) => (c.rows.includes(r) ? [{ v, coef: 1 }] : [])), op: '>=' as const, rhs: 2 })),
    };
    for (const s of solvers()) {
      const r = s.solve(model, { timeLimitMs: 1, now });
      expect(['optimal', 'feasible', 'no-solution-in-time'], `${s.name}: ${r.status} ${r.detail ?? ''}`).toContain(r.status);
      if (r.values) expect(checkSolution(model, r.values).ok).toBe(true);
    }
  });

  it('javascript-lp-solver refuses a model whose dense tableau would not fit, instead of running out of memory', () => {
    const huge: LpModel = { sense: 'min', variables: [{ name: 'a', cost: 1 }], constraints: Array.from({ length: 12_000 }, () => ({ terms: [{ v: 0, coef: 1 }], op: '>=' as const, rhs: 1 })) };
    const r = jsLpSolver.solve(huge, { timeLimitMs: 1000, now });
    expect(r).toMatchObject({ status: 'error', values: null });
    expect(r.detail).toMatch(/too large/);
  });

  it('writes LP text that names every column in model order', () => {
    const text = toCplexLp({ sense: 'min', variables: [{ name: 'a' }, { name: 'b', cost: -2.5, type: 'binary' }], constraints: [{ terms: [{ v: 1, coef: 1 }, { v: 1, coef: 2 }], op: '<=', rhs: 3 }] });
    expect(text).toContain('obj: + 0 x0 - 2.5 x1');
    expect(text).toContain('c0: + 3 x1 <= 3');
    expect(text).toContain('0 <= x1 <= 1');
    expect(text).toMatch(/Generals\n x1\n/);
  });
});
