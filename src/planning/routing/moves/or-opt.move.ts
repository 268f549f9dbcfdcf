import { arc, better, nodeAt, tryRewrite, type Move, type MoveCandidate, type MoveContext } from './move.types';

/** Or-opt: moves a string of 2 or 3 stops starting at u to just after v, kept or reversed. */
export const orOpt: Move = {
  name: 'or-opt',
  find(ctx: MoveContext, u: number, v: number): MoveCandidate | null {
    const { sol, pos } = ctx;
    const a = sol.routes[sol.routeOf[u]!]!;
    const b = sol.routes[sol.routeOf[v]!]!;
    const i = pos[u]!;
    const j = pos[v]!;
    let best: MoveCandidate | null = null;
    for (let len = 2; len <= 3; len++) {
      const last = i + len - 1;
      if (last >= a.nodes.length) break;
      if (a === b && j >= i - 1 && j <= last) continue; // v inside the string or right before it
      const first = u;
      const end = a.nodes[last]!;
      const pu = nodeAt(ctx, a, i - 1);
      const nu = nodeAt(ctx, a, last + 1);
      const nv = nodeAt(ctx, b, j + 1);
      let inner = 0;
      for (let p = i; p < last; p++) inner += arc(ctx, a, a.nodes[p]!, a.nodes[p + 1]!);
      const removal = arc(ctx, a, pu, first) + arc(ctx, a, end, nu) - arc(ctx, a, pu, nu) + inner;
      for (const reversed of [false, true]) {
        const [x, y] = reversed ? [end, first] : [first, end];
        let innerB = 0;
        if (reversed) for (let p = i; p < last; p++) innerB += arc(ctx, b, a.nodes[p + 1]!, a.nodes[p]!);
        else for (let p = i; p < last; p++) innerB += arc(ctx, b, a.nodes[p]!, a.nodes[p + 1]!);
        const estimate = removal - (arc(ctx, b, v, x) + innerB + arc(ctx, b, y, nv) - arc(ctx, b, v, nv));
        const cand = tryRewrite(ctx, estimate, a === b ? [a] : [a, b], () => {
          const seg = a.nodes.slice(i, last + 1);
          if (reversed) seg.reverse();
          const rest = a.nodes.filter((_, p) => p < i || p > last);
          if (a === b) {
            const at = rest.indexOf(v) + 1;
            return [[...rest.slice(0, at), ...seg, ...rest.slice(at)]];
          }
          return [rest, [...b.nodes.slice(0, j + 1), ...seg, ...b.nodes.slice(j + 1)]];
        });
        best = better(best, cand);
      }
    }
    return best;
  },
};
