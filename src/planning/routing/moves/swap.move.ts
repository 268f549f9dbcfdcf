import { arc, nodeAt, tryRewrite, type Move, type MoveCandidate, type MoveContext } from './move.types';

/** Exchanges stops u and v between two routes. */
export const swap: Move = {
  name: 'swap',
  find(ctx: MoveContext, u: number, v: number): MoveCandidate | null {
    const { sol, pos } = ctx;
    const a = sol.routes[sol.routeOf[u]!]!;
    const b = sol.routes[sol.routeOf[v]!]!;
    if (a === b) return null;
    const i = pos[u]!;
    const j = pos[v]!;
    const pu = nodeAt(ctx, a, i - 1);
    const nu = nodeAt(ctx, a, i + 1);
    const pv = nodeAt(ctx, b, j - 1);
    const nv = nodeAt(ctx, b, j + 1);
    const estimate =
      arc(ctx, a, pu, u) + arc(ctx, a, u, nu) - arc(ctx, a, pu, v) - arc(ctx, a, v, nu) +
      arc(ctx, b, pv, v) + arc(ctx, b, v, nv) - arc(ctx, b, pv, u) - arc(ctx, b, u, nv);
    return tryRewrite(ctx, estimate, [a, b], () => {
      const sa = a.nodes.slice();
      const sb = b.nodes.slice();
      sa[i] = v;
      sb[j] = u;
      return [sa, sb];
    });
  },
};
