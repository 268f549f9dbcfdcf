import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, type Instance } from '../../../src/planning/model/instance';
import { nearestStops } from '../../../src/planning/routing/neighbours';
import { insertionKeys, recreate, sortAbsent } from '../../../src/planning/routing/recreate';
import { cloneRoute, refreshRoute, sequenceCost } from '../../../src/planning/routing/route';
import { mulberry32 } from '../../../src/planning/routing/rng';
import { DEFAULT_RUIN, ruin } from '../../../src/planning/routing/ruin';
import { sisr } from '../../../src/planning/routing/sisr';
import { emptySolution, makePenalties, shallowCopy, type RoutingSolution } from '../../../src/planning/routing/solution-state';
import { genOptions, randomProblem } from './problem.generator';

/** What a route's caches and the solution's totals must be, recomputed from the nodes alone. */
function expectExact(inst: Instance, s: RoutingSolution): void {
  let cost = 0;
  const seen = new Set<number>(s.absent);
  for (const r of s.routes) {
    const fresh = cloneRoute(r);
    refreshRoute(inst, fresh);
    expect(r).toEqual(fresh);
    expect(sequenceCost(inst, r.v, r.nodes)).toBeLessThan(Infinity);
    cost += r.cost;
    for (const c of r.nodes) {
      expect(s.routeOf[c]).toBe(r.v);
      seen.add(c);
    }
  }
  for (const c of s.absent) expect(s.routeOf[c]).toBe(-1);
  expect(seen.size).toBe(inst.nStops);
  expect(s.cost).toBeCloseTo(cost, 6);
}

describe('ruin and recreate', () => {
  it('leave every route cache and the solution cost as a fresh computation would, and the parent untouched', () => {
    fc.assert(fc.property(genOptions({ stops: 30, vehicles: 5, dims: 2 }), (o) => {
      const inst = compile(randomProblem(o));
      const rng = mulberry32(o.seed);
      const adj = nearestStops(inst, 10);
      const keys = insertionKeys(inst);
      let cur = emptySolution(inst, Array.from({ length: inst.nStops }, (_, i) => inst.nDepots + i));
      recreate(inst, cur, rng, { blink: 0.1 }, new Uint8Array(inst.vehicles.length).fill(1));
      expectExact(inst, cur);
      let spare: Int32Array | undefined;
      for (let it = 0; it < 20; it++) {
        const parent = { routeOf: cur.routeOf.slice(), nodes: cur.routes.map((r) => r.nodes.slice()), cost: cur.cost };
        const touched = new Uint8Array(inst.vehicles.length);
        // the search's copy: written over a dropped candidate's routeOf
        const cand = shallowCopy(cur, spare);
        ruin(inst, cand, adj, rng, DEFAULT_RUIN, touched);
        sortAbsent(inst, cand.absent, keys, rng);
        recreate(inst, cand, rng, { blink: 0.1 }, touched);
        expectExact(inst, cand);
        expect(cur.routeOf).toEqual(parent.routeOf);
        expect(cur.routes.map((r) => r.nodes)).toEqual(parent.nodes);
        expect(cur.cost).toBe(parent.cost);
        if (rng() < 0.5) {
          spare = cur.routeOf;
          cur = cand;
        } else spare = cand.routeOf;
      }
    }), { numRuns: 60, seed: 20 });
  });

  it('the search returns its best solution whole, though it writes each candidate over a dropped one', () => {
    fc.assert(fc.property(genOptions({ stops: 30, vehicles: 5, dims: 2 }), (o) => {
      const inst = compile(randomProblem(o));
      const rng = mulberry32(o.seed);
      const start = emptySolution(inst, Array.from({ length: inst.nStops }, (_, i) => inst.nDepots + i));
      recreate(inst, start, rng, { blink: 0 }, new Uint8Array(inst.vehicles.length).fill(1));
      let ticks = 0;
      const { best } = sisr(inst, start, { deadline: 300, now: () => ticks++, rng, adj: nearestStops(inst, 10), penalties: makePenalties(inst) });
      expectExact(inst, best);
      expectExact(inst, start);
    }), { numRuns: 60, seed: 21 });
  });
});
