import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, type Instance } from '../../../src/planning/model/instance';
import { nearestStops } from '../../../src/planning/routing/neighbours';
import { randomProblem } from './problem.generator';

/** The definition: every other stop sorted by symmetric distance, ties by index, first k. */
function byFullSort(inst: Instance, k: number): number[][] {
  const { nDepots, n, dist } = inst;
  return Array.from({ length: n }, (_, c) => {
    if (c < nDepots) return [];
    const others: number[] = [];
    for (let o = nDepots; o < n; o++) if (o !== c) others.push(o);
    const key = (o: number): number => dist[c * n + o]! + dist[o * n + c]!;
    return others.sort((a, b) => key(a) - key(b) || a - b).slice(0, k);
  });
}

describe('nearestStops (bounded selection)', () => {
  it('lists exactly the k nearest other stops of the full sort, in its order, ties by index', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 70 }), fc.integer({ min: 1, max: 3 }), (seed, stops, k, depots) => {
        // a 100 x 100 grid of integer points: many equal distances, so the tie order is exercised
        const inst = compile(randomProblem({ seed, stops, vehicles: 2, depots }));
        const got = nearestStops(inst, k).map((l) => Array.from(l));
        expect(got).toEqual(byFullSort(inst, k));
      }),
      { numRuns: 300, seed: 20 },
    );
  });
});
