/**
 * Set partitioning at the merge of a decomposed round: the routes the sub-problem searches met (their
 * pools) and the merged plan's own routes are columns; the solver picks a set covering every served
 * stop exactly once, within the trips each class of interchangeable vehicles has. The merged plan is
 * the MIP start and the fallback, so the answer is never costlier; it is used only when the whole
 * plan passes the validator and costs less. The served set does not change (unserved stays unserved).
 *
 * Pool routes only join stops of their own sub-problem, and merged routes only cross a border where
 * the repair moved a stop: the model falls apart into components (about one per sub-problem), solved
 * one after another, each with its share of the time left and of the spare trips per class.
 */
import type { LpSolver } from '../lp/lp.model';
import type { PlannedRoute, Problem, Solution } from '../model/problem.types';
import { selectRoutes, type PoolRoute } from '../routing/set-partitioning';
import { assignTrips, interchangeKey } from '../routing/trips.assign';
import { validateSolution } from '../validate/solution.validate';
import { routeEvaluator, type RouteEvaluator } from './route.eval';

/** A route from a sub-problem's pool in district indices: any vehicle of the class it was planned for. */
export interface MergePoolRoute {
  vehicle: number;
  stops: number[];
  /**
   * Its cost as its search counted it (the validator's formula on the same points). Trusted for the
   * model, so tens of thousands of routes need no travel look-ups; the routes picked are re-checked
   * and re-costed before use. Default: computed here, and the route checked up front.
   */
  cost?: number;
}

export interface PoolMergeOptions {
  solver: LpSolver;
  /** Budget for every component together, ms on `now`. */
  timeLimitMs: number;
  now: () => number;
  /** Most routes per component handed to the solver. Default: selectRoutes' own (1,000 with HiGHS). */
  poolLimit?: number;
}

/**
 * improved: `solution` is validated and cheaper; not-better: the solver found nothing cheaper in time;
 * timed-out: the time ran out before the solver finished (some components kept as merged);
 * invalid: the picked routes did not make a valid plan (trips that fit no shift, the validator said no);
 * no-pool: no pool route offers anything the merged plan does not have.
 */
export type PoolMergeStatus = 'improved' | 'not-better' | 'timed-out' | 'invalid' | 'no-pool';

export interface PoolMergeResult {
  status: PoolMergeStatus;
  /** The improved plan (status improved only); otherwise null: the merged plan stands. */
  solution: Solution | null;
  /** Validator cost of the merged plan, and of the plan that stands. */
  mergedCost: number;
  cost: number;
  elapsedMs: number;
  stats: { pool: number; usable: number; components: number; improved: number; timedOut: number };
  detail?: string;
}

/**
 * HiGHS overruns its own time limit (reading the model, presolve, the LP relaxation for the pool cut
 * are not counted): at the rounds bench a solve took 0.2-0.9 s whatever its limit. Each component gets
 * this share of its part, and none is started with less than MIN_COMPONENT_MS left on top of the
 * largest overrun seen so far, so the whole overruns its budget by one solve at most.
 */
const OWN_LIMIT_SHARE = 0.5;
const MIN_COMPONENT_MS = 50;
/** Relative difference below which two costs of the same stops count as equal (stored costs are rounded). */
const SAME_COST = 1e-4;

interface Column extends PoolRoute {
  klass: number;
  /** Index into merged.routes for the merged plan's own routes. */
  merged?: number;
  vehicle: number;
}

export function improveMergedPlan(problem: Problem, merged: Solution, pool: readonly MergePoolRoute[], o: PoolMergeOptions): PoolMergeResult {
  const began = o.now();
  const check = validateSolution(problem, merged);
  const stats = { pool: pool.length, usable: 0, components: 0, improved: 0, timedOut: 0 };
  const result = (status: PoolMergeStatus, detail?: string, solution: Solution | null = null, cost = check.cost): PoolMergeResult => ({
    status, solution, mergedCost: check.cost, cost, elapsedMs: o.now() - began, stats, ...(detail ? { detail } : {}),
  });
  if (!check.ok) return result('invalid', `the merged plan itself fails validation: ${check.violations[0]}`);

  const evaluate = routeEvaluator(problem).evaluate;
  const keyOfVehicle = problem.vehicles.map(interchangeKey);
  const classOf = new Map<string, number>();
  const klassOfVehicle = keyOfVehicle.map((k) => classOf.get(k) ?? (classOf.set(k, classOf.size), classOf.size - 1));
  const limits = new Array<number>(classOf.size).fill(0);
  problem.vehicles.forEach((v, i) => (limits[klassOfVehicle[i]!]! += Math.max(1, v.maxTrips ?? 1)));

  // Rows: the served stops. Columns: the merged routes, then every pool route that is a feasible trip.
  const row = new Map<number, number>();
  merged.routes.forEach((r) => r.stops.forEach((s) => row.set(s, row.size)));
  const columns: Column[] = merged.routes.flatMap((r, i) => (r.stops.length ? [{
    stops: r.stops.map((s) => row.get(s)!), cost: evaluate(r.vehicle, r.stops, r.departure)?.cost ?? r.cost, klass: klassOfVehicle[r.vehicle]!, merged: i, vehicle: r.vehicle,
  }] : []));
  const own = new Map(columns.map((c) => [keyOfColumn(c), c.cost]));
  for (const p of pool) {
    if (!p.stops.length || p.stops.some((s) => !row.has(s)) || !problem.vehicles[p.vehicle]) continue;
    // A pool route is a candidate trip leaving at the start of the shift (assembly re-times later trips).
    const cost = p.cost ?? evaluate(p.vehicle, p.stops)?.cost;
    if (cost === undefined || !Number.isFinite(cost)) continue;
    const c: Column = { stops: p.stops.map((s) => row.get(s)!), cost, klass: klassOfVehicle[p.vehicle]!, vehicle: p.vehicle };
    // The same stops on the same class: worth a column only in a cheaper order (by more than a stored
    // cost's rounding, or the solver swaps a route for itself).
    const ownCost = own.get(keyOfColumn(c)) ?? Infinity;
    if (cost >= ownCost - SAME_COST * Math.max(1, ownCost)) continue;
    columns.push(c);
    stats.usable++;
  }
  if (!stats.usable) return result('no-pool');

  const components = splitComponents(row.size, columns).sort((a, b) => b.stops.length - a.stops.length || a.stops[0]! - b.stops[0]!);
  stats.components = components.length;
  // Spare trips per class (what the merged plan leaves unused), lent to components in turn.
  const spare = limits.slice();
  for (const c of columns) if (c.merged !== undefined) spare[c.klass]!--;
  const chosen: Column[][] = [];
  let stopsLeft = row.size;
  // The most a solve has run past its own limit so far: no component starts that could not finish in time.
  let overrun = 0;
  for (const comp of components) {
    const incumbent = comp.columns.filter((c) => c.merged !== undefined);
    const left = began + o.timeLimitMs - o.now();
    const out = left < MIN_COMPONENT_MS + overrun;
    if (out || comp.columns.length === incumbent.length) {
      if (out) stats.timedOut++;
      chosen.push(incumbent);
      stopsLeft -= comp.stops.length;
      continue;
    }
    const local = new Map(comp.stops.map((s, i) => [s, i]));
    const routes = comp.columns.map((c) => ({ ...c, stops: c.stops.map((s) => local.get(s)!) }));
    const usedByIncumbent = limits.map(() => 0);
    for (const c of incumbent) usedByIncumbent[c.klass]!++;
    const classLimits = usedByIncumbent.map((n, k) => n + Math.max(0, spare[k]!));
    const limit = Math.max(1, (OWN_LIMIT_SHARE * (left - overrun) * comp.stops.length) / stopsLeft);
    const sel = selectRoutes(routes, {
      stopCount: comp.stops.length, classLimits, solver: o.solver, now: o.now, timeLimitMs: limit,
      incumbent: routes.flatMap((c, i) => (c.merged !== undefined ? [i] : [])), ...(o.poolLimit !== undefined ? { poolLimit: o.poolLimit } : {}),
    });
    overrun = Math.max(overrun, sel.stats.elapsedMs - limit);
    stopsLeft -= comp.stops.length;
    if (sel.solverStatus === 'feasible' || sel.solverStatus === 'no-solution-in-time') stats.timedOut++;
    const picked = sel.improved && sel.routes ? sel.routes.map((i) => comp.columns[i]!) : incumbent;
    if (sel.improved) stats.improved++;
    for (const c of picked) spare[c.klass]!--;
    for (const c of incumbent) spare[c.klass]!++;
    chosen.push(picked);
  }
  if (!stats.improved) return result(stats.timedOut ? 'timed-out' : 'not-better');

  const plan = assemble(problem, merged, chosen, evaluate);
  if (!plan) return result('invalid', 'the picked trips do not fit the vehicles\' shifts');
  const after = validateSolution(problem, plan);
  if (!after.ok) return result('invalid', `the picked routes fail validation: ${after.violations[0]}`);
  if (after.cost >= check.cost - 1e-9 * Math.max(1, Math.abs(check.cost))) return result(stats.timedOut ? 'timed-out' : 'not-better');
  return result('improved', undefined, { ...plan, cost: after.cost, distance: after.distance }, after.cost);
}

function keyOfColumn(c: { klass: number; stops: number[] }): string {
  return `${c.klass}:${[...c.stops].sort((a, b) => a - b).join(',')}`;
}

/** Groups stops joined by any column (union-find); each column goes with its stops' group. */
function splitComponents(n: number, columns: Column[]): { stops: number[]; columns: Column[] }[] {
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]!]!;
    return x;
  };
  for (const c of columns) for (const s of c.stops.slice(1)) parent[find(s)] = find(c.stops[0]!);
  const groups = new Map<number, { stops: number[]; columns: Column[] }>();
  const group = (root: number) => groups.get(root) ?? (groups.set(root, { stops: [], columns: [] }), groups.get(root)!);
  for (let s = 0; s < n; s++) group(find(s)).stops.push(s);
  for (const c of columns) group(find(c.stops[0]!)).columns.push(c);
  return [...groups.values()];
}

/**
 * The plan from the picked columns: components kept as merged keep their trips as they were; new
 * trips go to free vehicles (or free time) of their class. A component with a trip that is not
 * feasible after all, or that finds no room, is put back as merged, and the rest assigned again;
 * null if nothing new is left.
 */
function assemble(problem: Problem, merged: Solution, chosen: Column[][], evaluate: RouteEvaluator['evaluate']): Solution | null {
  const rowStop = merged.routes.flatMap((r) => r.stops);
  const identity = problem.vehicles.map((_, i) => i);
  const reverted = new Set<number>();
  for (;;) {
    const isNew = (ci: number): boolean => !reverted.has(ci) && chosen[ci]!.some((c) => c.merged === undefined);
    const kept: PlannedRoute[] = [];
    const fresh: { route: PlannedRoute; component: number }[] = [];
    let infeasible = false;
    chosen.forEach((cols, ci) => {
      if (!isNew(ci)) {
        const incumbent = cols.some((c) => c.merged === undefined) ? [] : cols;
        // A reverted component goes back to the merged routes of its stops.
        const routes = incumbent.length ? incumbent.map((c) => merged.routes[c.merged!]!) : mergedRoutesOf(merged, new Set(cols.flatMap((c) => c.stops.map((s) => rowStop[s]!))));
        kept.push(...routes);
        return;
      }
      for (const c of cols) {
        if (c.merged !== undefined) { kept.push(merged.routes[c.merged]!); continue; }
        const route = evaluate(c.vehicle, c.stops.map((s) => rowStop[s]!));
        if (route) fresh.push({ component: ci, route });
        else {
          reverted.add(ci);
          infeasible = true;
        }
      }
    });
    if (infeasible) continue;
    if (!fresh.length) return null;
    const placed = assignTrips(problem, fresh.map((f) => f.route), identity, kept);
    if (!placed.unserved.length) {
      const routes = [...kept, ...placed.routes];
      return { routes, unserved: merged.unserved, cost: routes.reduce((a, r) => a + r.cost, 0), distance: routes.reduce((a, r) => a + r.distance, 0) };
    }
    const lost = new Set(placed.unserved.map((u) => u.stop));
    for (const f of fresh) if (f.route.stops.some((s) => lost.has(s))) reverted.add(f.component);
  }
}

function mergedRoutesOf(merged: Solution, stops: Set<number>): PlannedRoute[] {
  return merged.routes.filter((r) => r.stops.length && stops.has(r.stops[0]!));
}
