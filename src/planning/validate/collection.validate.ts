import type { PlannedRoute, Problem } from '../model/problem.types';
import { crosses } from '../routing/trips.assign';

/**
 * The routes of a collection (Problem.sites given), checked on their own timeline: a vehicle's trips
 * in order of departure, the first from its depot, each later one from the site its previous trip
 * unloaded at; every trip ends unloading at a site (a truck never drives back loaded), within the
 * site's hours; the collected load fits the vehicle at the unload (it only grows before it); the
 * last trip reaches the depot by the shift end; no trip (its drive back included, for the last)
 * runs across one of the vehicle's pauses (a shift change, nobody on shift); what the trips unload
 * at a site fits its daily capacity. Rules: `unload`, `site-hours`, `site-capacity:<dimension>`, and the delivery rules.
 */
export function checkCollectionRoutes(
  problem: Problem,
  solution: { routes: readonly PlannedRoute[] },
  add: (rule: string, message: string, where?: { route?: number; stop?: number }) => void,
  seen: number[],
  arc: (a: number, b: number) => { dist: number; time: number },
): { cost: number; distance: number } {
  const EPS = 1e-6;
  const sites = problem.sites ?? [];
  const unloaded = sites.map(() => problem.dimensions.map(() => 0));
  const byVehicle = new Map<number, number[]>();
  solution.routes.forEach((r, ri) => {
    if (!r.stops.length) return;
    if (!problem.vehicles[r.vehicle]) return void add('plan', `route ${ri + 1}: unknown vehicle ${r.vehicle}`, { route: ri });
    byVehicle.set(r.vehicle, [...(byVehicle.get(r.vehicle) ?? []), ri]);
  });
  let cost = 0;
  let distance = 0;
  for (const [vi, list] of byVehicle) {
    const v = problem.vehicles[vi]!;
    const depot = problem.depots[v.depot];
    if (!depot) { add('plan', `vehicle ${v.id} has no depot ${v.depot}`); continue; }
    const departs = (ri: number): number => solution.routes[ri]!.departure ?? v.shift?.[0] ?? 0;
    list.sort((a, b) => departs(a) - departs(b));
    if (list.length > (v.maxTrips ?? 1)) add('trips', `vehicle ${v.id} makes ${list.length} trips, more than ${v.maxTrips ?? 1}`, { route: list[0] });
    let at = depot.location;
    let free = v.shift?.[0] ?? 0;
    list.forEach((ri, k) => {
      const route = solution.routes[ri]!;
      const name = `route ${ri + 1}`;
      let t = departs(ri);
      if (t < free - EPS) add(k ? 'trips' : 'shift', `${name}: vehicle ${v.id} leaves at ${t}, before it is free at ${free}`, { route: ri });
      const t0 = t;
      const load = problem.dimensions.map(() => 0);
      const vSkills = new Set(v.skills ?? []);
      let dist = 0;
      let drive = 0;
      for (const si of route.stops) {
        const s = problem.stops[si];
        if (!s) { add('plan', `${name}: unknown stop ${si}`, { route: ri }); continue; }
        seen[si]!++;
        s.demand.forEach((q, d) => (load[d]! += q));
        for (const skill of s.skills ?? []) if (!vSkills.has(skill)) add(`skill:${skill}`, `${name}: stop ${s.id} needs skill ${skill}`, { route: ri, stop: si });
        const leg = arc(at, s.location);
        dist += leg.dist;
        drive += leg.time;
        t = Math.max(t + leg.time, s.window?.[0] ?? -Infinity);
        if (s.window && t > s.window[1] + EPS) add('time-window', `${name}: stop ${s.id} served at ${t}, after its window ends at ${s.window[1]}`, { route: ri, stop: si });
        t += s.serviceTime ?? 0;
        at = s.location;
      }
      load.forEach((q, d) => {
        if (q > (v.capacity[d] ?? 0) + EPS) add(`capacity:${problem.dimensions[d]}`, `${name}: ${problem.dimensions[d]} collected ${q} exceeds capacity ${v.capacity[d]} before unloading`, { route: ri });
      });
      const site = route.unload ? sites[route.unload.site] : undefined;
      if (!route.unload || !site) {
        add('unload', `${name}: ends without unloading at a disposal site`, { route: ri });
      } else {
        const leg = arc(at, site.location);
        dist += leg.dist;
        drive += leg.time;
        t = Math.max(t + leg.time, site.hours?.[0] ?? -Infinity);
        if (site.hours && t > site.hours[1] + EPS) add('site-hours', `${name}: unloads at ${site.id} at ${t}, after it closes at ${site.hours[1]}`, { route: ri });
        t += site.unloadTime ?? 0;
        load.forEach((q, d) => (unloaded[route.unload!.site]![d]! += q));
        at = site.location;
      }
      if (k === list.length - 1) {
        const leg = arc(at, depot.location);
        dist += leg.dist;
        drive += leg.time;
        t += leg.time;
        if (v.shift && t > v.shift[1] + EPS) add('shift', `${name}: returns at ${t}, after the shift ends at ${v.shift[1]}`, { route: ri });
      }
      const pause = v.pauses?.find(([a, b]) => crosses(t0, t, a, b));
      if (pause) add('shift', `${name}: on the road from ${t0} to ${t}, across the vehicle's pause ${pause[0]}-${pause[1]} (a shift change or nobody on shift)`, { route: ri });
      if (v.maxDuration !== undefined && t - t0 > v.maxDuration + EPS) add('duration', `${name}: duration ${t - t0} exceeds ${v.maxDuration}`, { route: ri });
      free = t;
      distance += dist;
      cost += (v.fixedCost ?? 0) + (v.costPerDistance ?? 1) * dist + ((v.costPerHour ?? 0) / 3600) * drive;
    });
  }
  unloaded.forEach((amounts, si) => amounts.forEach((q, d) => {
    const cap = sites[si]!.capacity?.[d];
    if (cap !== undefined && q > cap + EPS) add(`site-capacity:${problem.dimensions[d]}`, `site ${sites[si]!.id}: ${problem.dimensions[d]} unloaded ${q} exceeds its daily capacity ${cap}`);
  }));
  return { cost, distance };
}
