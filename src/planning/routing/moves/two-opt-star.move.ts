import { arc, nodeAt, tryRewrite, type Move, type MoveCandidate, type MoveContext } from './move.types';

/** 2-opt*: exchanges route tails so that v follows u (u's head + v's tail, v's head + u's tail). */
export const twoOptStar: Move = {
  name: '2-opt*',
  find(ctx: MoveContext, u: number, v: number): MoveCandidate | null {
    const { sol, pos } = ctx;
    const a = sol.routes[sol.routeOf[u]!]!;
    const b = sol.routes[sol.routeOf[v]!]!;
    if (a === b) return null;
    const i = pos[u]!;
    const j = pos[v]!;
    const nu = nodeAt(ctx, a, i + 1);
    const pv = nodeAt(ctx, b, j - 1);
    const estimate = arc(ctx, a, u, nu) + arc(ctx, b, pv, v) - arc(ctx, a, u, v) - arc(ctx, b, pv, nu);
    return tryRewrite(ctx, estimate, [a, b], () => [
      [...a.nodes.slice(0, i + 1), ...b.nodes.slice(j)],
      [...b.nodes.slice(0, j), ...a.nodes.slice(i + 1)],
    ]);
  },
};
