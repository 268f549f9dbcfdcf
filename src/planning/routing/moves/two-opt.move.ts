import { arc, nodeAt, tryRewrite, type Move, type MoveCandidate, type MoveContext } from './move.types';

/** Intra-route 2-opt: reverses the part of the route between u and v so that u and v become adjacent. */
export const twoOpt: Move = {
  name: '2-opt',
  find(ctx: MoveContext, u: number, v: number): MoveCandidate | null {
    const { sol, pos } = ctx;
    const r = sol.routes[sol.routeOf[u]!]!;
    if (r !== sol.routes[sol.routeOf[v]!]) return null;
    // reverse nodes (i+1 .. j): arcs (x_i, x_i+1) and (x_j, x_j+1) become (x_i, x_j) and (x_i+1, x_j+1)
    let i = pos[u]!;
    let j = pos[v]!;
    if (i > j) [i, j] = [j, i];
    if (j - i < 2) return null;
    const xi = nodeAt(ctx, r, i);
    const xi1 = nodeAt(ctx, r, i + 1);
    const xj = nodeAt(ctx, r, j);
    const xj1 = nodeAt(ctx, r, j + 1);
    const estimate = arc(ctx, r, xi, xi1) + arc(ctx, r, xj, xj1) - arc(ctx, r, xi, xj) - arc(ctx, r, xi1, xj1);
    return tryRewrite(ctx, estimate, [r], () => {
      const seq = r.nodes.slice();
      for (let lo = i + 1, hi = j; lo < hi; lo++, hi--) [seq[lo], seq[hi]] = [seq[hi]!, seq[lo]!];
      return [seq];
    });
  },
};
