import { arc, better, nodeAt, tryRewrite, type Move, type MoveCandidate, type MoveContext } from './move.types';

const MAX_LEN = 3;

/**
 * Cross-exchange: swaps a string of 1-3 stops starting at u with a string of 1-3 stops starting
 * at v in another route (1 and 1 is left to swap).
 */
export const crossExchange: Move = {
  name: 'cross-exchange',
  find(ctx: MoveContext, u: number, v: number): MoveCandidate | null {
    const { sol, pos } = ctx;
    const a = sol.routes[sol.routeOf[u]!]!;
    const b = sol.routes[sol.routeOf[v]!]!;
    if (a === b) return null;
    const i = pos[u]!;
    const j = pos[v]!;
    const pu = nodeAt(ctx, a, i - 1);
    const pv = nodeAt(ctx, b, j - 1);
    let best: MoveCandidate | null = null;
    for (let la = 1; la <= MAX_LEN && i + la <= a.nodes.length; la++) {
      const ea = a.nodes[i + la - 1]!;
      const na = nodeAt(ctx, a, i + la);
      for (let lb = 1; lb <= MAX_LEN && j + lb <= b.nodes.length; lb++) {
        if (la === 1 && lb === 1) continue;
        const eb = b.nodes[j + lb - 1]!;
        const nb = nodeAt(ctx, b, j + lb);
        // inner arcs keep their direction; only the four boundary arcs change (exact for one cost matrix)
        const estimate =
          arc(ctx, a, pu, u) + arc(ctx, a, ea, na) + arc(ctx, b, pv, v) + arc(ctx, b, eb, nb) -
          arc(ctx, a, pu, v) - arc(ctx, a, eb, na) - arc(ctx, b, pv, u) - arc(ctx, b, ea, nb);
        const cand = tryRewrite(ctx, estimate, [a, b], () => [
          [...a.nodes.slice(0, i), ...b.nodes.slice(j, j + lb), ...a.nodes.slice(i + la)],
          [...b.nodes.slice(0, j), ...a.nodes.slice(i, i + la), ...b.nodes.slice(j + lb)],
        ]);
        best = better(best, cand);
      }
    }
    return best;
  },
};
