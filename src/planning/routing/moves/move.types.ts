import type { Instance } from '../../model/instance';
import { sequenceCost, type Route } from '../route';
import { commitRoute, usedRoutes, type RoutingSolution } from '../solution-state';

/**
 * The local-search state: a solution that owns its routes, plus the position of every node in
 * its route (kept in step by `applyRoutes`).
 */
export interface MoveContext {
  inst: Instance;
  sol: RoutingSolution;
  pos: Int32Array;
}

/** A feasible improving move, ready to apply. `gain` is the exact decrease of the solution cost. */
export interface MoveCandidate {
  gain: number;
  apply(): void;
}

/**
 * One local-search neighbourhood (cf. VROOM's Operator: gain, validity, apply). `find` returns the
 * best feasible improving variant that brings stop u next to (or in exchange with) stop v, or null.
 */
export interface Move {
  readonly name: string;
  find(ctx: MoveContext, u: number, v: number): MoveCandidate | null;
}

export const GAIN_EPS = 1e-7;

export function newContext(inst: Instance, sol: RoutingSolution): MoveContext {
  const pos = new Int32Array(inst.n).fill(-1);
  for (const r of sol.routes) r.nodes.forEach((c, p) => (pos[c] = p));
  return { inst, sol, pos };
}

/** Node at position p of a route, the vehicle's depot outside 0..len-1. */
export function nodeAt(ctx: MoveContext, r: Route, p: number): number {
  return p < 0 || p >= r.nodes.length ? ctx.inst.vehicles[r.v]!.depot : r.nodes[p]!;
}

/** Arc cost on the route's vehicle. */
export function arc(ctx: MoveContext, r: Route, a: number, b: number): number {
  return ctx.inst.vehicles[r.v]!.cost[a * ctx.inst.n + b]!;
}

/**
 * Exact check of a move that rewrites some routes: returns the gain (old cost - new cost) if all
 * new sequences are feasible and the route count stays legal, else -Infinity.
 */
export function exactGain(ctx: MoveContext, routes: readonly Route[], seqs: readonly number[][]): number {
  let before = 0;
  let after = 0;
  let emptied = 0;
  for (let i = 0; i < routes.length; i++) {
    const r = routes[i]!;
    const c = sequenceCost(ctx.inst, r.v, seqs[i]!);
    if (c === Infinity) return -Infinity;
    before += r.cost;
    after += c;
    if (r.nodes.length && !seqs[i]!.length) emptied++;
    if (!r.nodes.length && seqs[i]!.length) emptied--;
  }
  if (emptied > 0 && usedRoutes(ctx.sol) - emptied < ctx.inst.minRoutes) return -Infinity;
  return before - after;
}

/** Candidate that writes the new sequences into the routes and refreshes caches and positions. */
export function rewrite(ctx: MoveContext, gain: number, routes: readonly Route[], seqs: readonly number[][]): MoveCandidate {
  return {
    gain,
    apply: () => {
      routes.forEach((r, i) => {
        r.nodes = seqs[i]!;
        commitRoute(ctx.inst, ctx.sol, r);
        r.nodes.forEach((c, p) => (ctx.pos[c] = p));
      });
    },
  };
}

/** Cheap upper-bound filter first, exact check only when it promises a gain. */
export function tryRewrite(ctx: MoveContext, estimate: number, routes: readonly Route[], build: () => number[][]): MoveCandidate | null {
  if (estimate <= GAIN_EPS) return null;
  const seqs = build();
  const gain = exactGain(ctx, routes, seqs);
  return gain > GAIN_EPS ? rewrite(ctx, gain, routes, seqs) : null;
}

export function better(a: MoveCandidate | null, b: MoveCandidate | null): MoveCandidate | null {
  if (!a) return b;
  if (!b) return a;
  return b.gain > a.gain ? b : a;
}
