import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/planning/model/instance';
import { ALL_MOVES } from '../../../src/planning/routing/local-search';
import { newContext } from '../../../src/planning/routing/moves/move.types';
import { insertionKeys, recreate, sortAbsent } from '../../../src/planning/routing/recreate';
import { sequenceCost } from '../../../src/planning/routing/route';
import { mulberry32, shuffle } from '../../../src/planning/routing/rng';
import { emptySolution, type RoutingSolution } from '../../../src/planning/routing/solution-state';
import { randomProblem } from './problem.generator';

function totalCost(inst: ReturnType<typeof compile>, sol: RoutingSolution): number {
  return sol.routes.reduce((sum, r) => sum + sequenceCost(inst, r.v, r.nodes), 0);
}

describe.each(ALL_MOVES.map((m) => [m.name, m] as const))('move %s', (_name, move) => {
  it.each([
    { seed: 1, windows: false, skills: false, dims: 1 },
    { seed: 2, windows: true, skills: true, dims: 2, shifts: true },
    { seed: 3, windows: false, skills: true, dims: 3, depots: 2 },
  ])('gain equals the actual cost change and keeps routes feasible (%o)', (cfg) => {
    const inst = compile(randomProblem({ stops: 40, vehicles: 8, ...cfg }));
    const rng = mulberry32(cfg.seed);
    const sol = emptySolution(inst, Array.from({ length: inst.nStops }, (_, s) => inst.nDepots + s));
    sortAbsent(inst, sol.absent, insertionKeys(inst), rng);
    recreate(inst, sol, rng, { blink: 0.2 }, new Uint8Array(inst.vehicles.length).fill(1));
    const ctx = newContext(inst, sol);
    let applied = 0;
    // every ordered pair, in random order, until enough moves were applied
    const pairs: [number, number][] = [];
    for (let u = inst.nDepots; u < inst.n; u++) for (let v = inst.nDepots; v < inst.n; v++) if (u !== v) pairs.push([u, v]);
    shuffle(rng, pairs);
    for (const [u, v] of pairs) {
      if (applied >= 25) break;
      if (sol.routeOf[u]! < 0 || sol.routeOf[v]! < 0) continue;
      const cand = move.find(ctx, u, v);
      if (!cand) continue;
      const before = totalCost(inst, sol);
      cand.apply();
      applied++;
      const after = totalCost(inst, sol);
      expect(after).toBeLessThan(Infinity);
      expect(before - after).toBeCloseTo(cand.gain, 6);
      expect(sol.cost).toBeCloseTo(after, 6);
      for (const r of sol.routes) r.nodes.forEach((c, p) => {
        expect(ctx.pos[c]).toBe(p);
        expect(sol.routeOf[c]).toBe(r.v);
      });
    }
    expect(applied).toBeGreaterThan(0);
  });
});
