/**
 * Set partitioning over a pool of good routes: choose routes covering every stop exactly once at least
 * total cost (binary x_r; sum of x_r over routes through s = 1 for each stop s; optional route count).
 * The answer is always a verified partition, or says there is none in time; the caller's incumbent
 * (a known partition) is used as MIP start and as the fallback.
 */
import type { LpModel, LpSolver, LpStatus } from '../lp/lp.model';
import { checkSelection, filterPool, limitPool, type PoolRoute, type SelectionRules, type StopPrices } from './set-partitioning.pool';

export type { PoolRoute } from './set-partitioning.pool';

export interface SelectRoutesOptions extends SelectionRules {
  timeLimitMs: number;
  solver: LpSolver;
  /** Indices into the pool of a known feasible partition: MIP start and fallback. */
  incumbent?: number[];
  /** Injected clock in milliseconds. */
  now: () => number;
  /** Relative MIP gap at which the solver may stop. Default: the solver's own. */
  relativeGap?: number;
  /**
   * Most routes handed to the solver, after dominated ones are gone (see `limitPool`: the incumbent's
   * routes plus the lowest reduced costs). Default 1,000 for a solver reporting duals (HiGHS), 250
   * otherwise; Infinity for none. Whole search pools (2,000-12,000 routes) made HiGHS overrun a 10 s
   * limit by up to 25 s and javascript-lp-solver by minutes (bench/lp.bench.ts, solver-choice.ts).
   */
  poolLimit?: number;
}

export interface SelectRoutesResult {
  /**
   * optimal / feasible: the solver's verified selection (optimal over the `stats.solved` routes it was
   * given, which is the whole pool unless `poolLimit` cut it; feasible = time limit reached);
   * incumbent: the solver did not beat the incumbent, which is returned;
   * infeasible: no partition exists in the pool (proved); no-solution-in-time / error: nothing to return
   * (no-solution-in-time also when a pool cut by `poolLimit` has no partition).
   */
  status: 'optimal' | 'feasible' | 'incumbent' | 'infeasible' | 'no-solution-in-time' | 'error';
  /** Indices into the original pool, or null when there is no verified selection. */
  routes: number[] | null;
  cost: number | null;
  /** The solver's selection is strictly cheaper than the incumbent's. */
  improved: boolean;
  solverStatus: LpStatus | 'not-run';
  stats: { pool: number; kept: number; dominated: number; invalid: number; solved: number; elapsedMs: number };
  detail?: string;
}

/** The set-partitioning model over `pool` (already filtered); exported for the benchmark. */
export function buildSetPartitioningModel(pool: PoolRoute[], rules: SelectionRules): LpModel {
  const byStop: { v: number; coef: number }[][] = Array.from({ length: rules.stopCount }, () => []);
  pool.forEach((r, v) => r.stops.forEach((s) => byStop[s]?.push({ v, coef: 1 })));
  const all = pool.map((_, v) => ({ v, coef: 1 }));
  const constraints: LpModel['constraints'] = byStop.map((terms, s) => ({ name: `stop${s}`, terms, op: '=' as const, rhs: 1 }));
  if (rules.exactRoutes !== undefined) constraints.push({ name: 'routes', terms: all, op: '=', rhs: rules.exactRoutes });
  else if (rules.maxRoutes !== undefined) constraints.push({ name: 'routes', terms: all, op: '<=', rhs: rules.maxRoutes });
  rules.classLimits?.forEach((max, k) => {
    const terms = pool.flatMap((r, v) => (r.klass === k ? [{ v, coef: 1 }] : []));
    if (terms.length) constraints.push({ name: `class${k}`, terms, op: '<=', rhs: max });
  });
  return { sense: 'min', variables: pool.map((r, v) => ({ name: `route${v}`, cost: r.cost, type: 'binary' })), constraints };
}

export function selectRoutes(pool: PoolRoute[], opts: SelectRoutesOptions): SelectRoutesResult {
  const started = opts.now();
  const filtered = filterPool(pool, opts.stopCount);
  let solved = 0;
  const stats = (): SelectRoutesResult['stats'] => ({
    pool: pool.length, kept: filtered.kept.length, dominated: filtered.dominated, invalid: filtered.invalid, solved, elapsedMs: opts.now() - started,
  });
  const incumbentCheck = opts.incumbent ? checkSelection(pool, opts.incumbent, opts) : null;
  const incumbent = incumbentCheck?.ok ? { routes: opts.incumbent ?? [], cost: incumbentCheck.cost } : null;
  const fallback = (solverStatus: SelectRoutesResult['solverStatus'], status: SelectRoutesResult['status'], detail?: string): SelectRoutesResult => {
    const why = [detail, incumbentCheck && !incumbentCheck.ok ? `incumbent rejected: ${incumbentCheck.why}` : undefined].filter(Boolean).join('; ');
    const base = { improved: false, solverStatus, stats: stats(), ...(why ? { detail: why } : {}) };
    if (incumbent) return { ...base, status: 'incumbent', routes: incumbent.routes, cost: incumbent.cost };
    return { ...base, status, routes: null, cost: null };
  };

  const covered = new Set(filtered.kept.flatMap((i) => pool[i]?.stops ?? []));
  if (covered.size < opts.stopCount) return fallback('not-run', 'infeasible', `${opts.stopCount - covered.size} stops are on no valid route`);

  // Each incumbent route maps to the kept route with its stop set (the same or a cheaper one).
  const incumbentKept = incumbent ? incumbent.routes.map((i) => filtered.keptFor[i] ?? -1) : [];
  const keptRoutes = filtered.kept.map((i) => pool[i] as PoolRoute);
  let chosen = keptRoutes.map((_, k) => k);
  const poolLimit = opts.poolLimit ?? (opts.solver.reportsDuals ? 1000 : 250);
  if (keptRoutes.length > poolLimit) {
    // Without duals the relaxation would only cost time: incumbent prices are used instead.
    const relaxed = opts.solver.reportsDuals ? relaxationPrices(keptRoutes, opts, Math.max(1, 0.4 * (opts.timeLimitMs - (opts.now() - started)))) : null;
    // The relaxation bounds every partition of the pool: an incumbent at the bound is optimal already.
    if (incumbent && relaxed && relaxed.bound >= incumbent.cost - 1e-6 * Math.max(1, Math.abs(incumbent.cost))) {
      return fallback('optimal', 'incumbent', `the LP relaxation bound ${relaxed.bound} proves the incumbent optimal in this pool`);
    }
    chosen = limitPool(keptRoutes, incumbentKept, poolLimit, opts.stopCount, relaxed?.prices);
  }
  const original = chosen.map((k) => filtered.kept[k] as number); // solver variable -> original pool index
  solved = chosen.length;
  const model = buildSetPartitioningModel(chosen.map((k) => keptRoutes[k] as PoolRoute), opts);
  let start: number[] | undefined;
  if (incumbent) {
    const position = new Map(chosen.map((k, j) => [k, j]));
    start = new Array<number>(chosen.length).fill(0);
    for (const k of incumbentKept) {
      const j = position.get(k);
      if (j !== undefined) start[j] = 1;
    }
  }
  const remaining = Math.max(1, opts.timeLimitMs - (opts.now() - started));
  const lp = opts.solver.solve(model, { timeLimitMs: remaining, now: opts.now, ...(start ? { start } : {}), ...(opts.relativeGap !== undefined ? { relativeGap: opts.relativeGap } : {}) });
  if (!lp.values) {
    // A cut pool without a partition proves nothing about the full pool: that is a time trade-off, not infeasibility.
    if (lp.status === 'infeasible' && chosen.length < keptRoutes.length) {
      return fallback(lp.status, 'no-solution-in-time', `no partition among the ${chosen.length} routes kept by poolLimit (of ${keptRoutes.length})`);
    }
    const status = lp.status === 'infeasible' || lp.status === 'no-solution-in-time' ? lp.status : 'error';
    return fallback(lp.status, status, lp.detail);
  }

  const routes = lp.values.flatMap((x, j) => (x > 0.5 ? [original[j] as number] : []));
  const check = checkSelection(pool, routes, opts);
  if (!check.ok) return fallback(lp.status, 'error', `solver selection rejected: ${check.why}`);
  if (incumbent && check.cost >= incumbent.cost - 1e-9) return fallback(lp.status, 'incumbent');
  const status = lp.status === 'optimal' ? 'optimal' : 'feasible';
  const rejected = incumbentCheck && !incumbentCheck.ok ? { detail: `incumbent rejected: ${incumbentCheck.why}` } : {};
  return { status, routes, cost: check.cost, improved: incumbent !== null, solverStatus: lp.status, stats: stats(), ...rejected };
}

/** Duals of the LP relaxation over the whole pool, as stop prices for `limitPool`; null if the solver gives none. */
function relaxationPrices(routes: PoolRoute[], opts: SelectRoutesOptions, timeLimitMs: number): { prices: StopPrices; bound: number } | null {
  const model = buildSetPartitioningModel(routes, opts);
  model.variables = model.variables.map((v) => ({ ...v, type: 'continuous', upper: 1 }));
  const lp = opts.solver.solve(model, { timeLimitMs, now: opts.now });
  if (lp.status !== 'optimal' || !lp.duals || lp.objective === null) return null;
  const duals = lp.duals;
  const routeRow = opts.exactRoutes !== undefined || opts.maxRoutes !== undefined;
  // Class rows follow the route-count row, only for classes some route has (buildSetPartitioningModel).
  let row = opts.stopCount + (routeRow ? 1 : 0);
  const perClass = (opts.classLimits ?? []).map((_, k) => (routes.some((r) => r.klass === k) ? (duals[row++] ?? 0) : 0));
  return { prices: { stop: duals.slice(0, opts.stopCount), perRoute: routeRow ? (duals[opts.stopCount] ?? 0) : 0, perClass }, bound: lp.objective };
}
