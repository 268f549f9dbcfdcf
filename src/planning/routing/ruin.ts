import type { Instance } from '../model/instance';
import { cloneRoute } from './route';
import type { Rng } from './rng';
import { commitRoute, type RoutingSolution } from './solution-state';

/** SISR parameters (Christiaens & Vanden Berghe 2020). */
export interface RuinParams {
  /** Average number of removed stops. */
  cBar: number;
  /** Longest removed string. */
  lMax: number;
  /** Probability of the split-string variant. */
  splitRate: number;
  /** Chance to stop growing the preserved part of a split string. */
  splitDepth: number;
}

export const DEFAULT_RUIN: RuinParams = { cBar: 10, lMax: 10, splitRate: 0.5, splitDepth: 0.01 };

/**
 * Slack induction by string removals: around a random seed stop, remove strings of consecutive
 * stops from the routes of its nearest neighbours, so neighbouring routes get room to reorganise.
 * Marks changed routes in `touched` (copying them first).
 */
export function ruin(inst: Instance, s: RoutingSolution, adj: Int32Array[], rng: Rng, p: RuinParams, touched: Uint8Array): void {
  let served = 0;
  let used = 0;
  for (const r of s.routes) {
    if (!r.nodes.length) continue;
    served += r.nodes.length;
    used++;
  }
  if (!used) return;
  const lsMax = Math.min(p.lMax, served / used);
  const ksMax = (4 * p.cBar) / (1 + lsMax) - 1;
  const ks = Math.floor(rng() * ksMax) + 1;
  let seed = -1;
  for (let tries = 0; tries < 20 && seed < 0; tries++) {
    const c = inst.nDepots + Math.floor(rng() * inst.nStops);
    if (s.routeOf[c]! >= 0) seed = c;
  }
  if (seed < 0) return;
  const near = adj[seed]!;
  let ruined = 0;
  for (let i = -1; i < near.length && ruined < ks; i++) {
    const c = i < 0 ? seed : near[i]!;
    const v = s.routeOf[c]!;
    if (v < 0 || touched[v]) continue;
    const r = cloneRoute(s.routes[v]!);
    s.routes[v] = r;
    touched[v] = 1;
    ruined++;
    const len = r.nodes.length;
    const l = Math.floor(rng() * Math.min(len, lsMax)) + 1;
    const pos = r.nodes.indexOf(c);
    let m = 0;
    if (l < len && rng() < p.splitRate) {
      m = 1;
      while (l + m < len && rng() > p.splitDepth) m++;
    }
    const w = l + m;
    const from = Math.max(0, pos - w + 1);
    const to = Math.min(pos, len - w);
    const start = from + Math.floor(rng() * (to - from + 1));
    const keepAt = start + Math.floor(rng() * (l + 1));
    const kept: number[] = [];
    for (let q = 0; q < len; q++) {
      const node = r.nodes[q]!;
      const inWindow = q >= start && q < start + w;
      const preserved = q >= keepAt && q < keepAt + m;
      if (inWindow && !preserved) {
        s.absent.push(node);
        s.routeOf[node] = -1;
      } else kept.push(node);
    }
    r.nodes = kept;
    commitRoute(inst, s, r);
  }
}
