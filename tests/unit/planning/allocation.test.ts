import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocateStock } from '../../../src/planning/allocation/allocate';
import { greedyStage, roundStage, startRemaining } from '../../../src/planning/allocation/allocation.round';
import { normalise } from '../../../src/planning/allocation/allocation.model';
import type { AllocationInput, AllocationResult, PriorityClass } from '../../../src/planning/allocation/allocation.types';
import { jsLpSolver } from '../../../src/planning/lp/js-lp-solver.adapter';
import { loadHighs } from '../../../src/planning/lp/highs.adapter';
import type { LpSolver } from '../../../src/planning/lp/lp.model';

const now = (): number => performance.now();
let highs: LpSolver;
beforeAll(async () => {
  highs = await loadHighs();
});
const timedOut: LpSolver = { name: 'jsLpSolver', reportsDuals: false, solve: () => ({ status: 'no-solution-in-time', objective: null, values: null, solver: 'jsLpSolver', elapsedMs: 0 }) };

const instance = (withCapacity: boolean): fc.Arbitrary<AllocationInput> =>
  fc.record({ items: fc.integer({ min: 1, max: 3 }), groups: fc.integer({ min: 1, max: 6 }) }).chain(({ items, groups }) =>
    fc.record({
      items: fc.tuple(...Array.from({ length: items }, (_, i) => fc.record({ id: fc.constant(`item${i}`), stock: fc.integer({ min: 0, max: 120 }), unitLoad: fc.integer({ min: 1, max: 3 }) }))),
      groups: fc.tuple(
        ...Array.from({ length: groups }, (_, g) =>
          fc.record({
            id: fc.constant(`g${g}`),
            households: fc.integer({ min: 1, max: 50 }),
            needs: fc.array(fc.record({ itemId: fc.constantFrom(...Array.from({ length: items }, (_, i) => `item${i}`)), priority: fc.constantFrom<PriorityClass>(0, 1, 2, 3, 4), quantity: fc.integer({ min: 0, max: 40 }) }), { maxLength: 6 }),
            ...(withCapacity ? { capacity: fc.integer({ min: 0, max: 150 }) } : {}),
          }),
        ),
      ),
    }),
  );

/** The invariants every answer must keep, LP or fallback. */
function checkInvariants(input: AllocationInput, r: AllocationResult): void {
  const stock = new Map(input.items.map((it) => [it.id, it.stock as number]));
  const load = new Map(input.items.map((it) => [it.id, it.unitLoad ?? 1]));
  const perItem = new Map<string, number>();
  const perGroupLoad = new Map<string, number>();
  for (const l of r.lines) {
    expect(Number.isInteger(l.allocated) && l.allocated >= 0 && l.allocated <= l.needed).toBe(true);
    perItem.set(l.itemId, (perItem.get(l.itemId) ?? 0) + l.allocated);
    perGroupLoad.set(l.groupId, (perGroupLoad.get(l.groupId) ?? 0) + l.allocated * (load.get(l.itemId) ?? 1));
  }
  for (const [item, given] of perItem) expect(given).toBeLessThanOrEqual(stock.get(item) ?? 0);
  for (const g of input.groups) if (g.capacity !== undefined) expect(perGroupLoad.get(g.id) ?? 0).toBeLessThanOrEqual(g.capacity + 1e-9);
  // The explanation adds up to the lines, and the item summaries to the explanations.
  for (const e of r.explanations) {
    expect(e.needed).toBe(e.allocated + e.cut);
    expect(e.byPriority.reduce((s, b) => s + b.allocated, 0)).toBe(e.allocated);
    expect(e.byPriority.every((b) => b.needed === b.allocated + b.cut)).toBe(true);
    const mine = r.lines.filter((l) => l.groupId === e.groupId && l.itemId === e.itemId);
    expect(mine.reduce((s, l) => s + l.allocated, 0)).toBe(e.allocated);
    if (e.cut > 0) expect(e.reasons.length).toBeGreaterThan(0);
  }
  for (const s of r.items) {
    expect(s.allocated).toBe(perItem.get(s.itemId) ?? 0);
    expect(s.allocated).toBe(r.explanations.filter((e) => e.itemId === s.itemId).reduce((t, e) => t + e.allocated, 0));
  }
}

/** Without group capacities: urgent classes first, an even share within the short class, no stock wasted. */
function checkPriorityAndFloor(r: AllocationResult): void {
  for (const item of r.items) {
    const lines = r.lines.filter((l) => l.itemId === item.itemId);
    expect(item.allocated).toBe(Math.min(item.stock, item.needed));
    for (const p of [0, 1, 2, 3] as const) {
      const cls = lines.filter((l) => l.priority === p);
      if (cls.some((l) => l.allocated < l.needed)) {
        // A more urgent class is short: nothing at all goes to less urgent ones.
        expect(lines.filter((l) => l.priority > p).every((l) => l.allocated === 0)).toBe(true);
        const floor = item.floors.find((f) => f.priority === p)?.floor ?? 0;
        // Every group of the short class gets the floor share, less at most one unit of rounding.
        for (const l of cls) expect(l.allocated).toBeGreaterThanOrEqual(Math.floor(floor * l.needed + 1e-6) - 1);
        // And nobody in the class is more than one unit above the even share (no community served in full while another starves).
        for (const l of cls) expect(l.allocated).toBeLessThanOrEqual(Math.ceil(floor * l.needed - 1e-6) + 1);
      }
    }
  }
}

describe('allocateStock', () => {
  it('never exceeds stock, need or capacity, and its explanation adds up (LP, both solvers, and fallback)', () => {
    fc.assert(
      fc.property(instance(true), (input) => {
        for (const solver of [jsLpSolver, highs, timedOut]) {
          const r = allocateStock(input, { solver, timeLimitMs: 5000, now });
          if (r.stages.length > 0) expect(r.method).toBe(solver === timedOut ? 'greedy' : 'lp');
          checkInvariants(input, r);
        }
      }),
      { numRuns: 150, seed: 11 },
    );
  });

  it('serves urgent classes first and spreads a short class evenly (fairness floor)', () => {
    fc.assert(
      fc.property(instance(false), (input) => {
        for (const solver of [jsLpSolver, highs, timedOut]) {
          const r = allocateStock(input, { solver, timeLimitMs: 5000, now });
          checkInvariants(input, r);
          checkPriorityAndFloor(r);
        }
        // The LP's floors are the greedy water level (both are max-min shares per class).
        const lp = allocateStock(input, { solver: jsLpSolver, timeLimitMs: 5000, now });
        const p = normalise(input);
        const left = startRemaining(p);
        for (const priority of [0, 1, 2, 3] as const) {
          const idx = p.lines.flatMap((l, k) => (l.priority === priority ? [k] : []));
          const g = greedyStage(p, idx, left);
          roundStage(p, idx, g.x, left);
          lp.items.forEach((s, i) => s.floors.filter((f) => f.priority === priority).forEach((f) => expect(f.floor).toBeCloseTo(g.floors.get(i) ?? -1, 5)));
        }
      }),
      { numRuns: 150, seed: 12 },
    );
  });

  it('is lexicographic under group capacities: a class gets the same whatever less urgent classes need', () => {
    fc.assert(
      fc.property(instance(true), fc.constantFrom<PriorityClass>(0, 1, 2, 3), (input, upTo) => {
        const solver = jsLpSolver;
        const full = allocateStock(input, { solver, timeLimitMs: 5000, now });
        const cut = { ...input, groups: input.groups.map((g) => ({ ...g, needs: g.needs.filter((n) => n.priority <= upTo) })) };
        const part = allocateStock(cut, { solver, timeLimitMs: 5000, now });
        const urgent = full.lines.filter((l) => l.priority <= upTo);
        expect(part.lines).toEqual(urgent);
        // Within the last class, a group below the floor (beyond rounding) has no room left for one more unit.
        const loads = new Map(input.items.map((it) => [it.id, it.unitLoad ?? 1]));
        for (const item of part.items) {
          const floor = item.floors.find((f) => f.priority === upTo)?.floor;
          if (floor === undefined) continue;
          for (const l of part.lines.filter((x) => x.itemId === item.itemId && x.priority === upTo && x.allocated < Math.floor(floor * x.needed + 1e-6) - 1)) {
            const g = input.groups.find((x) => x.id === l.groupId);
            const used = part.lines.filter((x) => x.groupId === l.groupId).reduce((s, x) => s + x.allocated * (loads.get(x.itemId) ?? 1), 0);
            expect(used).toBeGreaterThan((g?.capacity ?? Infinity) - (loads.get(l.itemId) ?? 1));
          }
        }
      }),
      { numRuns: 100, seed: 13 },
    );
  });

  it('explains a cut: stock short, lower priority cut first, floor applied', () => {
    const r = allocateStock(
      {
        items: [{ id: 'insulin', stock: { depotA: 30, depotB: 10 } }],
        groups: [
          { id: 'north', households: 12, needs: [{ itemId: 'insulin', priority: 0, quantity: 20 }, { itemId: 'insulin', priority: 3, quantity: 10 }] },
          { id: 'south', households: 30, needs: [{ itemId: 'insulin', priority: 1, quantity: 40 }] },
        ],
      },
      { solver: jsLpSolver, timeLimitMs: 5000, now },
    );
    expect(r.lines).toEqual([
      { groupId: 'north', itemId: 'insulin', priority: 0, needed: 20, allocated: 20 },
      { groupId: 'north', itemId: 'insulin', priority: 3, needed: 10, allocated: 0 },
      { groupId: 'south', itemId: 'insulin', priority: 1, needed: 40, allocated: 20 },
    ]);
    const south = r.explanations.find((e) => e.groupId === 'south');
    expect(south).toMatchObject({ households: 30, needed: 40, allocated: 20, cut: 20 });
    expect(south?.reasons).toEqual([
      { code: 'stock-short', stock: 40, needed: 70, short: 30 },
      { code: 'lower-priority-cut-first', takenByHigher: 20 },
      { code: 'fairness-floor', floor: 0.5 },
    ]);
    expect(r.explanations.find((e) => e.groupId === 'north')?.reasons.map((x) => x.code)).toEqual(['stock-short', 'lower-priority-cut-first']);
  });

  it('refuses unknown items and negative quantities', () => {
    expect(() => allocateStock({ items: [], groups: [{ id: 'g', needs: [{ itemId: 'x', priority: 2, quantity: 1 }] }] }, { solver: jsLpSolver, timeLimitMs: 100, now })).toThrow(/unknown item x/);
    expect(() => allocateStock({ items: [{ id: 'x', stock: -1 }], groups: [] }, { solver: jsLpSolver, timeLimitMs: 100, now })).toThrow(/stock of x/);
  });
});
