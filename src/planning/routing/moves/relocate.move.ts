import { arc, better, nodeAt, tryRewrite, type Move, type MoveCandidate, type MoveContext } from './move.types';

/** Moves stop u next to stop v (right after it, or right before it), in the same or another route. */
export const relocate: Move = {
  name: 'relocate',
  find(ctx: MoveContext, u: number, v: number): MoveCandidate | null {
    const { sol, pos, inst } = ctx;
    const a = sol.routes[sol.routeOf[u]!]!;
    const b = sol.routes[sol.routeOf[v]!]!;
    const i = pos[u]!;
    const j = pos[v]!;
    const pu = nodeAt(ctx, a, i - 1);
    const nu = nodeAt(ctx, a, i + 1);
    let removal = arc(ctx, a, pu, u) + arc(ctx, a, u, nu) - arc(ctx, a, pu, nu);
    if (a !== b && a.nodes.length === 1) removal += inst.vehicles[a.v]!.fixed;
    let best: MoveCandidate | null = null;
    // after v (insert between v and its successor), then before v (between its predecessor and v)
    for (const at of [j + 1, j]) {
      if (a === b && (at === i || at === i + 1)) continue; // same place
      const prev = nodeAt(ctx, b, at - 1);
      const next = nodeAt(ctx, b, at);
      const estimate = removal - (arc(ctx, b, prev, u) + arc(ctx, b, u, next) - arc(ctx, b, prev, next));
      const cand = a === b
        ? tryRewrite(ctx, estimate, [a], () => {
          const seq = a.nodes.filter((c) => c !== u);
          seq.splice(at > i ? at - 1 : at, 0, u);
          return [seq];
        })
        : tryRewrite(ctx, estimate, [a, b], () => {
          const sb = b.nodes.slice();
          sb.splice(at, 0, u);
          return [a.nodes.filter((c) => c !== u), sb];
        });
      best = better(best, cand);
    }
    return best;
  },
};
