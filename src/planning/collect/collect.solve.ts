/**
 * Collections (pickups unloaded at disposal sites), e.g. epidemic waste from the corridors.
 *
 * The model (Problem.sites given): every stop hands something over; a trip's load is what it has
 * collected, so it only grows along the trip and peaks just before the unload, where it must fit
 * the vehicle's capacity. Every trip ends unloading at a disposal site within the site's hours; the
 * vehicle may go on from there for another trip (up to maxTrips); after its last unload it drives
 * back to its depot empty, by the end of its shift. What all trips unload at a site over the plan
 * stays within the site's daily capacity. What cannot be collected comes back as unserved with a
 * reason ('disposal-capacity' when no site open in time had room left).
 *
 * The design reuses the delivery engine instead of a second search:
 * 1. Routing: each vehicle gets a hub, the site nearest its depot, and one virtual copy per allowed
 *    trip whose shift ends early enough to unload at the hub and still reach the real depot (and
 *    no later than the hub closes). The first copy leaves from the vehicle's depot and ends at the
 *    hub (an open depot, Depot.end), the others are tours hub > pickups > hub, each where the
 *    chaining will start it. A trip's load is the sum of its pickups, exactly the collected load
 *    at the unload, so construction, every local-search move and set partitioning work unchanged.
 *    What the search cannot see: every copy has the whole shift, while the chained trips follow
 *    one another (the same approximation as multi-trip deliveries, solve.ts).
 * 2. Chaining (collect.chain.ts): trips are placed on the real vehicles one after the other, the
 *    trips searched from the depot first, each later one leaving where the previous one unloaded,
 *    with exact times re-simulated, leaving after a pause of the vehicle (a shift change, nobody on
 *    shift) that it would otherwise run across, so no trip crosses one; each trip unloads at the
 *    best site open on arrival with room left (not necessarily the hub), the site capacities are booked as trips are placed, and a trip
 *    a site cannot take whole sheds its least urgent pickups ('disposal-capacity') until it fits. A
 *    trip that no longer fits whole once chained is split: its pickups go on in its order as far as
 *    they fit, and only those that fit nowhere come back unserved ('shift-exhausted'). Every plan
 *    then passes the validator, which checks the collection rules on its own.
 */
import type { Depot, Problem, Solution, Unserved, Vehicle } from '../model/problem.types';
import { travelBetween } from '../model/travel.matrix';
import { validateSolution } from '../validate/solution.validate';
import { chainCollection, type TripCopy } from './collect.chain';
import type { SolveOptions, SolveResult } from '../solve.types';

/** The routing engine, passed in so this module does not import solve.ts back. */
export type RouteSolver = (problem: Problem, options: SolveOptions) => SolveResult;

export function solveCollection(problem: Problem, options: SolveOptions, route: RouteSolver): SolveResult {
  const sites = problem.sites ?? [];
  const noStats = { iterations: 0, poolSize: 0, poolStatus: 'not-run', poolMs: 0 };
  if (!sites.length || !problem.vehicles.length) {
    const unserved: Unserved[] = problem.stops.map((_, stop) => ({ stop, reason: sites.length ? 'fleet-exhausted' : 'disposal-capacity' }));
    return { routes: [], unserved, cost: 0, distance: 0, stats: noStats };
  }
  const time = (a: number, b: number): number => travelBetween(problem.travel, a, b).time;
  const hubOf = problem.vehicles.map((v) => {
    const depot = problem.depots[v.depot]!.location;
    let best = 0;
    sites.forEach((s, i) => { if (time(depot, s.location) < time(depot, sites[best]!.location)) best = i; });
    return best;
  });
  // Depots of the search: the sites (hub tours), then one open depot per vehicle depot and hub
  // (first trips, leaving the depot and ending at the hub).
  const depots: Depot[] = sites.map((s) => ({ id: s.id, location: s.location }));
  const openDepot = new Map<string, number>();
  const firstTripDepot = (depot: number, hub: number): number => {
    const key = `${depot}>${hub}`;
    if (!openDepot.has(key)) {
      openDepot.set(key, depots.length);
      depots.push({ id: `${problem.depots[depot]!.id}>${sites[hub]!.id}`, location: problem.depots[depot]!.location, end: sites[hub]!.location });
    }
    return openDepot.get(key)!;
  };
  const copies: TripCopy[] = [];
  const vehicles = problem.vehicles.flatMap((v, i): Vehicle[] => {
    const hub = sites[hubOf[i]!]!;
    const back = (hub.unloadTime ?? 0) + time(hub.location, problem.depots[v.depot]!.location);
    const end = Math.min(v.shift ? v.shift[1] - back : Infinity, hub.hours?.[1] ?? Infinity);
    const start = v.shift?.[0] ?? 0;
    // Pauses (shift changes) are kept by the chaining, not by the copies' routing (as solve.ts does for deliveries).
    const { maxTrips: _m, reloadTime: _r, pauses: _p, ...rest } = v;
    const copy: Vehicle = { ...rest, depot: hubOf[i]!, ...(end < Infinity ? { shift: [start, Math.max(start, end)] as const } : {}) };
    return Array.from({ length: Math.max(1, v.maxTrips ?? 1) }, (_, k) => {
      copies.push({ vehicle: i, fromDepot: k === 0 });
      return k === 0 ? { ...copy, depot: firstTripDepot(v.depot, hubOf[i]!) } : copy;
    });
  });
  const { sites: _s, ...deliveries } = problem;
  const routed = route({ ...deliveries, depots, vehicles }, options);
  const chained = chainCollection(problem, routed.routes, copies);
  const unserved = [...routed.unserved, ...chained.unserved].sort((a, b) => a.stop - b.stop);
  const cost = chained.routes.reduce((sum, r) => sum + r.cost, 0);
  const distance = chained.routes.reduce((sum, r) => sum + r.distance, 0);
  const solution: Solution = { routes: chained.routes, unserved, cost, distance };
  const check = validateSolution(problem, solution);
  if (!check.ok) throw new Error(`collection chaining produced an infeasible plan: ${check.violations.slice(0, 3).join('; ')}`);
  const pool = routed.pool?.map((r) => ({ ...r, vehicle: copies[r.vehicle]!.vehicle }));
  return { ...solution, stats: routed.stats, ...(pool ? { pool } : {}) };
}
