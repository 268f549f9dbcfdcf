/**
 * Route-pool housekeeping for set partitioning: drop broken and dominated routes before the model is
 * built, and verify any selection (solver's or caller's) independently of the solver.
 */

export interface PoolRoute {
  /** Stop indices 0..stopCount-1, in visiting order. */
  stops: number[];
  cost: number;
  /** Vehicle class (index into `SelectionRules.classLimits`) when the rules limit routes per class. */
  klass?: number;
}

export interface FilteredPool {
  /** Indices into the original pool of the routes kept, one per distinct stop set (the cheapest). */
  kept: number[];
  /** For every original index, the kept position serving the same stop set (-1 if the route was invalid). */
  keptFor: number[];
  invalid: number;
  dominated: number;
}

/** Routes of different classes are different columns: one may fit a class limit the other breaks. */
function stopKey(r: PoolRoute): string {
  const set = [...r.stops].sort((a, b) => a - b).join(',');
  return r.klass === undefined ? set : `${r.klass}:${set}`;
}

function isValidRoute(r: PoolRoute, stopCount: number): boolean {
  if (r.stops.length === 0 || !Number.isFinite(r.cost)) return false;
  const seen = new Set<number>();
  for (const s of r.stops) {
    if (!Number.isInteger(s) || s < 0 || s >= stopCount || seen.has(s)) return false;
    seen.add(s);
  }
  return true;
}

/** Keeps the cheapest route per stop set (ties: the earliest); empty, out-of-range or repeating routes go. */
export function filterPool(pool: PoolRoute[], stopCount: number): FilteredPool {
  const bestByKey = new Map<string, number>();
  const keyOf: (string | null)[] = [];
  let invalid = 0;
  pool.forEach((r, i) => {
    if (!isValidRoute(r, stopCount)) {
      invalid++;
      keyOf.push(null);
      return;
    }
    const key = stopKey(r);
    keyOf.push(key);
    const best = bestByKey.get(key);
    if (best === undefined || r.cost < (pool[best]?.cost ?? Infinity)) bestByKey.set(key, i);
  });
  const kept = [...bestByKey.values()].sort((a, b) => a - b);
  const position = new Map(kept.map((orig, k) => [orig, k]));
  const keptFor = keyOf.map((key) => (key === null ? -1 : (position.get(bestByKey.get(key) ?? -1) ?? -1)));
  const valid = pool.length - invalid;
  return { kept, keptFor, invalid, dominated: valid - kept.length };
}

export interface SelectionRules {
  stopCount: number;
  exactRoutes?: number;
  maxRoutes?: number;
  /** Most routes per vehicle class (routes name theirs in `klass`; a route without one is not limited). */
  classLimits?: readonly number[];
}

/** Cost of `selection` if it is a partition of all stops obeying the route-count rules, else a reason. */
export function checkSelection(pool: PoolRoute[], selection: number[], rules: SelectionRules): { ok: true; cost: number } | { ok: false; why: string } {
  const cover = new Array<number>(rules.stopCount).fill(0);
  let cost = 0;
  for (const i of selection) {
    const r = pool[i];
    if (!r || !isValidRoute(r, rules.stopCount)) return { ok: false, why: `route ${i} is missing or invalid` };
    for (const s of r.stops) cover[s] = (cover[s] ?? 0) + 1;
    cost += r.cost;
  }
  const wrong = cover.findIndex((c) => c !== 1);
  if (wrong >= 0) return { ok: false, why: `stop ${wrong} covered ${cover[wrong]} times` };
  if (rules.exactRoutes !== undefined && selection.length !== rules.exactRoutes) return { ok: false, why: `${selection.length} routes, ${rules.exactRoutes} required` };
  if (rules.maxRoutes !== undefined && selection.length > rules.maxRoutes) return { ok: false, why: `${selection.length} routes, at most ${rules.maxRoutes} allowed` };
  if (rules.classLimits) {
    const used = rules.classLimits.map(() => 0);
    for (const i of selection) {
      const k = pool[i]?.klass;
      if (k === undefined) continue;
      if (k < 0 || k >= used.length) return { ok: false, why: `route ${i} has unknown class ${k}` };
      used[k]!++;
    }
    const over = used.findIndex((n, k) => n > (rules.classLimits?.[k] ?? 0));
    if (over >= 0) return { ok: false, why: `${used[over]} routes of class ${over}, at most ${rules.classLimits[over]} allowed` };
  }
  return { ok: true, cost };
}

/** Prices from the LP relaxation's duals: one per stop, plus one per route (the route-count row). */
export interface StopPrices {
  stop: number[];
  perRoute: number;
  /** Duals of the per-class route limits, by class. */
  perClass?: number[];
}

/**
 * Cuts an oversized pool down to `limit` routes for the solver, keeping those most likely to be in a
 * better partition: the incumbent's routes, then the lowest reduced cost (route cost minus the prices of
 * its stops). Prices are the LP relaxation's duals when given; otherwise a stop is priced at its
 * incumbent route's cost per stop (or, without an incumbent, the lowest cost per stop through it, and
 * every stop keeps its best-scored route so the cut pool still covers it). Returns positions into `routes`.
 */
export function limitPool(routes: PoolRoute[], incumbent: number[], limit: number, stopCount: number, prices?: StopPrices): number[] {
  if (routes.length <= limit) return routes.map((_, k) => k);
  let price = prices?.stop;
  if (!price) {
    const guess = new Array<number>(stopCount).fill(Infinity);
    for (const k of incumbent.length ? incumbent : routes.map((_, k) => k)) {
      const r = routes[k];
      if (r) for (const s of r.stops) guess[s] = Math.min(guess[s] ?? Infinity, r.cost / r.stops.length);
    }
    price = guess;
  }
  const perRoute = prices?.perRoute ?? 0;
  const perClass = (r: PoolRoute): number => (r.klass === undefined ? 0 : (prices?.perClass?.[r.klass] ?? 0));
  const score = routes.map((r) => r.stops.reduce((c, s) => c - (price[s] ?? 0), r.cost - perRoute - perClass(r)));
  const keep = new Set(incumbent);
  if (!incumbent.length) {
    const bestFor = new Array<number>(stopCount).fill(-1);
    routes.forEach((r, k) =>
      r.stops.forEach((s) => {
        const b = bestFor[s] ?? -1;
        if (b < 0 || (score[k] ?? 0) < (score[b] ?? 0)) bestFor[s] = k;
      }),
    );
    for (const k of bestFor) if (k >= 0) keep.add(k);
  }
  const order = routes.map((_, k) => k).sort((a, b) => (score[a] ?? 0) - (score[b] ?? 0) || a - b);
  for (const k of order) {
    if (keep.size >= limit) break;
    keep.add(k);
  }
  return [...keep].sort((a, b) => a - b);
}
