import type { PlannedRoute, Problem, Solution, Unserved } from '../model/problem.types';
import { centroid, dist2, locator, type XY } from './geometry';
import { routeEvaluator, type RouteEvaluator } from './route.eval';

export interface RepairOptions {
  /** Routes filled below this share of their tightest capacity are dissolved or thinned. Default 0.5. */
  underFilled?: number;
  /** Nearest routes tried for each stop. Default 8. */
  neighbours?: number;
}

export interface RepairReport { dissolved: number; relocated: number; retried: number; rescued: number; saved: number }

/** Insertion positions checked exactly per route, best detours first. */
const TRIED_POSITIONS = 4;

/**
 * A route being repaired. With multi-trip shifts a vehicle has several: each keeps its departure
 * and trip number, and may grow only until `latest`, when the vehicle's next trip must leave
 * (minus the reload time), so trips never overlap.
 */
interface Slot { vehicle: number; route: PlannedRoute; centre: XY; departure?: number; trip?: number; latest: number }

const EPS = 1e-6;

/**
 * Repairs a merged plan across sub-problem borders: unserved stops are retried in nearby routes
 * (or an idle vehicle); under-filled routes are dissolved into their neighbours when all their
 * stops fit and the total cost falls, else single stops move where it is cheaper. Every change is
 * checked with the same rules as the validator and taken only if it lowers the cost, so the
 * result is feasible whenever the input was and costs no more for the same stops.
 */
export function repairBorders(problem: Problem, merged: Solution, options: RepairOptions = {}): { solution: Solution; report: RepairReport } {
  const ev = routeEvaluator(problem);
  const evaluate = ev.evaluate;
  /** The route of a slot with these stops, or null when infeasible or past the slot's latest return. */
  const fit: Fit = (slot, stops) => {
    const r = evaluate(slot.vehicle, stops, slot.departure);
    const leaves = slot.departure ?? problem.vehicles[slot.vehicle]!.shift?.[0] ?? 0;
    if (!r || leaves + r.duration > slot.latest + EPS) return null;
    return slot.trip === undefined ? r : { ...r, trip: slot.trip };
  };
  const at = locator(problem);
  const xyOf = (stop: number): XY => (at ? at(problem.stops[stop]!.location) : { x: 0, y: 0 });
  const k = options.neighbours ?? 8;
  // Re-evaluated so every cost compared below is counted the same way (the validator's).
  const slots: Slot[] = merged.routes.filter((r) => r.stops.length).map((r) => {
    const slot: Slot = { vehicle: r.vehicle, route: r, centre: centroid(r.stops.map(xyOf)), departure: r.departure, trip: r.trip, latest: Infinity };
    // The vehicle's next trip (if any) bounds this one's return.
    const reload = problem.vehicles[r.vehicle]?.reloadTime ?? 0;
    for (const o of merged.routes) {
      if (o !== r && o.vehicle === r.vehicle && o.stops.length && (o.departure ?? 0) > (r.departure ?? 0)) slot.latest = Math.min(slot.latest, (o.departure ?? 0) - reload);
    }
    slot.route = fit(slot, r.stops) ?? r;
    return slot;
  });
  const report: RepairReport = { dissolved: 0, relocated: 0, retried: 0, rescued: 0, saved: 0 };
  const near = (p: XY, except?: Slot): Slot[] =>
    slots.filter((s) => s !== except && s.route.stops.length).sort((a, b) => dist2(a.centre, p) - dist2(b.centre, p)).slice(0, k);
  const refresh = (s: Slot, route: PlannedRoute): void => { s.route = route; s.centre = centroid(route.stops.map(xyOf)); };

  // 1. Unserved stops: a neighbouring sub-problem may have room the own one lacked.
  const unserved: Unserved[] = [];
  const used = new Set(slots.map((s) => s.vehicle));
  for (const u of merged.unserved) {
    report.retried++;
    const p = xyOf(u.stop);
    const best = cheapestInsertion(ev, fit, u.stop, near(p));
    if (best) { refresh(best.slot, best.route); report.rescued++; continue; }
    const fresh = idleVehicle(problem, evaluate, used, u.stop);
    if (fresh) { used.add(fresh.vehicle); slots.push({ vehicle: fresh.vehicle, route: fresh, centre: p, latest: Infinity }); report.rescued++; continue; }
    unserved.push(u);
  }

  // 2. Under-filled routes, emptiest first: dissolve whole, else relocate single stops.
  const threshold = options.underFilled ?? 0.5;
  const fill = (s: Slot): number => Math.max(0, ...s.route.load.map((q, d) => q / (problem.vehicles[s.vehicle]!.capacity[d] || Infinity)));
  for (const slot of slots.filter((s) => fill(s) < threshold).sort((a, b) => fill(a) - fill(b))) {
    if (!slot.route.stops.length) continue;
    const others = near(slot.centre, slot);
    const trial = new Map<Slot, PlannedRoute>(others.map((o) => [o, o.route]));
    let ok = true;
    for (const stop of slot.route.stops) {
      const best = cheapestInsertion(ev, fit, stop, others, trial);
      if (!best) { ok = false; break; }
      trial.set(best.slot, best.route);
    }
    const before = slot.route.cost + others.reduce((s, o) => s + o.route.cost, 0);
    const after = [...trial.values()].reduce((s, r) => s + r.cost, 0);
    if (ok && after < before - 1e-6) {
      for (const [o, r] of trial) refresh(o, r);
      report.saved += before - after;
      report.dissolved++;
      refresh(slot, fit(slot, [])!);
      continue;
    }
    for (const stop of [...slot.route.stops]) {
      const rest = slot.route.stops.filter((s) => s !== stop);
      const shorter = fit(slot, rest);
      const best = shorter && cheapestInsertion(ev, fit, stop, near(xyOf(stop), slot));
      if (!shorter || !best) continue;
      const gain = slot.route.cost + best.slot.route.cost - shorter.cost - best.route.cost;
      if (gain <= 1e-6) continue;
      refresh(slot, shorter);
      refresh(best.slot, best.route);
      report.saved += gain;
      report.relocated++;
    }
  }
  const routes = slots.map((s) => s.route).filter((r) => r.stops.length);
  return {
    solution: {
      routes, unserved, cost: routes.reduce((s, r) => s + r.cost, 0), distance: routes.reduce((s, r) => s + r.distance, 0),
    },
    report,
  };
}

/** Cheapest feasible place for a stop among the given routes (positions ranked by added distance). */
type Fit = (slot: Slot, stops: readonly number[]) => PlannedRoute | null;

function cheapestInsertion(
  ev: RouteEvaluator, fit: Fit, stop: number, candidates: readonly Slot[], current?: Map<Slot, PlannedRoute>,
): { slot: Slot; route: PlannedRoute } | null {
  let best: { slot: Slot; route: PlannedRoute; delta: number } | null = null;
  for (const slot of candidates) {
    const route = current?.get(slot) ?? slot.route;
    // Rank positions by detour, check the few best exactly (the exact cost keeps the no-worse promise).
    const positions = Array.from({ length: route.stops.length + 1 }, (_, i) => ({ i, d: ev.detour(slot.vehicle, route.stops, i, stop) }))
      .sort((a, b) => a.d - b.d || a.i - b.i).slice(0, TRIED_POSITIONS);
    for (const { i } of positions) {
      const stops = [...route.stops.slice(0, i), stop, ...route.stops.slice(i)];
      const r = fit(slot, stops);
      if (r && (!best || r.cost - route.cost < best.delta)) best = { slot, route: r, delta: r.cost - route.cost };
    }
  }
  return best;
}

function idleVehicle(problem: Problem, evaluate: RouteEvaluator['evaluate'], used: Set<number>, stop: number): PlannedRoute | null {
  let best: PlannedRoute | null = null;
  problem.vehicles.forEach((_, v) => {
    if (used.has(v)) return;
    const r = evaluate(v, [stop]);
    if (r && (!best || r.cost < best.cost)) best = r;
  });
  return best;
}
