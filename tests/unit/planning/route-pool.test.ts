import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/planning/model/instance';
import { emptyRoute, refreshRoute } from '../../../src/planning/routing/route';
import { RoutePool } from '../../../src/planning/routing/route-pool';
import { randomProblem } from './problem.generator';

describe('RoutePool', () => {
  const inst = compile(randomProblem({ seed: 3, stops: 30, vehicles: 4 }));
  const route = (v: number, nodes: number[]) => {
    const r = emptyRoute(inst, v);
    r.nodes = nodes;
    refreshRoute(inst, r);
    return r;
  };

  it('keeps one route per vehicle class and stop set, in its cheapest order', () => {
    fc.assert(
      fc.property(fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 29 }), { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 40 }), (sets) => {
        const pool = new RoutePool(inst);
        const cheapest = new Map<string, number>();
        for (const stops of sets) {
          // each set in its order and reversed (same set, another cost on an asymmetric route)
          for (const order of [stops, [...stops].reverse()]) {
            const r = route(0, order.map((s) => s + inst.nDepots));
            pool.add(r);
            const key = [...stops].sort((a, b) => a - b).join();
            cheapest.set(key, Math.min(cheapest.get(key) ?? Infinity, r.cost));
          }
        }
        expect(pool.size).toBe(cheapest.size);
        for (const kept of pool.list()) {
          expect(kept.cost).toBeCloseTo(cheapest.get([...kept.stops].sort((a, b) => a - b).join())!, 9);
          expect(route(0, kept.stops.map((s) => s + inst.nDepots)).cost).toBeCloseTo(kept.cost, 9);
        }
      }),
      { numRuns: 200, seed: 24 },
    );
  });

  it('stops taking new sets at its limit, and hands on the final routes first', () => {
    const pool = new RoutePool(inst, 3);
    for (let s = 0; s < 6; s++) pool.add(route(0, [s + inst.nDepots, s + 1 + inst.nDepots]));
    expect(pool.size).toBe(3);
    const final = route(1, [20 + inst.nDepots, 21 + inst.nDepots, 22 + inst.nDepots]);
    expect(pool.best([final], 2)[0]!.stops).toEqual([20, 21, 22]);
    expect(pool.best([final], 2)).toHaveLength(2);
  });
});
