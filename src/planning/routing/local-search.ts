import type { Instance } from '../model/instance';
import { crossExchange } from './moves/cross-exchange.move';
import { newContext, type Move } from './moves/move.types';
import { orOpt } from './moves/or-opt.move';
import { relocate } from './moves/relocate.move';
import { swap } from './moves/swap.move';
import { twoOptStar } from './moves/two-opt-star.move';
import { twoOpt } from './moves/two-opt.move';
import { shuffle, type Rng } from './rng';
import type { RoutingSolution } from './solution-state';

export const ALL_MOVES: readonly Move[] = [relocate, swap, twoOpt, twoOptStar, orOpt, crossExchange];

export interface LocalSearchOptions {
  rng: Rng;
  /** Granular neighbourhood: stop -> nearest stops; only the first `k` are tried. */
  neighbours: Int32Array[];
  k: number;
  moves?: readonly Move[];
  /** Stop early when this returns true (checked every 64 stops). */
  stop?: () => boolean;
}

/**
 * First-improvement descent over the granular neighbourhood until no move improves.
 * The solution must own its routes (clone it first); it is changed in place. Returns the gain.
 */
export function localSearch(inst: Instance, sol: RoutingSolution, o: LocalSearchOptions): number {
  const moves = o.moves ?? ALL_MOVES;
  const ctx = newContext(inst, sol);
  const order: number[] = [];
  for (let c = inst.nDepots; c < inst.n; c++) order.push(c);
  let total = 0;
  let improved = true;
  while (improved && !o.stop?.()) {
    improved = false;
    shuffle(o.rng, order);
    for (let at = 0; at < order.length; at++) {
      const u = order[at]!;
      if ((at & 63) === 63 && o.stop?.()) return total;
      if (sol.routeOf[u]! < 0) continue;
      const near = o.neighbours[u]!;
      const k = Math.min(o.k, near.length);
      for (let t = 0; t < k; t++) {
        const v = near[t]!;
        if (sol.routeOf[v]! < 0 || sol.routeOf[u]! < 0) continue;
        for (const move of moves) {
          const cand = move.find(ctx, u, v);
          if (cand) {
            cand.apply();
            total += cand.gain;
            improved = true;
          }
        }
      }
    }
  }
  return total;
}
