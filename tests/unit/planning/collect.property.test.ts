import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PlannedRoute, Problem, Solution } from '../../../src/planning/model/problem.types';
import { solve } from '../../../src/planning/solve';
import { validateSolution } from '../../../src/planning/validate/solution.validate';
import { collectionSettings as settings, randomCollection, withPauses } from './collect.generator';

/** A vehicle's trips in the order it drives them. */
const chains = (solution: Solution): PlannedRoute[][] => {
  const by = new Map<number, PlannedRoute[]>();
  for (const r of solution.routes) by.set(r.vehicle, [...(by.get(r.vehicle) ?? []), r]);
  return [...by.values()].map((list) => list.sort((a, b) => (a.departure ?? 0) - (b.departure ?? 0)));
};

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

function checkRules(problem: Problem, solution: Solution): void {
  const sites = problem.sites!;
  const unloaded = sites.map(() => 0);
  for (const r of solution.routes) {
    const v = problem.vehicles[r.vehicle]!;
    // Only waste-skilled vehicles collect.
    expect(v.skills).toContain('waste');
    // Collected load never exceeds capacity between unloads: the trip's total, before its unload.
    problem.dimensions.forEach((_, d) => expect(sum(r.stops.map((s) => problem.stops[s]!.demand[d]!))).toBeLessThanOrEqual(v.capacity[d]! + 1e-6));
    // Every trip unloads, inside the site's hours.
    expect(r.unload).toBeDefined();
    const site = sites[r.unload!.site]!;
    if (site.hours) {
      expect(r.unload!.start).toBeGreaterThanOrEqual(site.hours[0] - 1e-6);
      expect(r.unload!.start).toBeLessThanOrEqual(site.hours[1] + 1e-6);
    }
    unloaded[r.unload!.site]! += sum(r.stops.map((s) => problem.stops[s]!.demand[1]!));
  }
  // Daily site capacity across all routes.
  unloaded.forEach((kg, i) => expect(kg).toBeLessThanOrEqual(sites[i]!.capacity![1]! + 1e-6));
  // Every pickup served once or unserved with a reason.
  const served = solution.routes.flatMap((r) => r.stops);
  const all = [...served, ...solution.unserved.map((u) => u.stop)].sort((a, b) => a - b);
  expect(all).toEqual(problem.stops.map((_, i) => i));
  for (const u of solution.unserved) expect(u.reason).toBeTruthy();
  // The next trip leaves no earlier than the previous unload ends; the last one is back by the shift end.
  for (const list of chains(solution)) {
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1]!;
      expect(list[i]!.departure!).toBeGreaterThanOrEqual(prev.unload!.start + (sites[prev.unload!.site]!.unloadTime ?? 0) - 1e-6);
    }
    const last = list[list.length - 1]!;
    const v = problem.vehicles[last.vehicle]!;
    if (v.shift) expect(last.departure! + last.duration).toBeLessThanOrEqual(v.shift[1] + 1e-6);
  }
}

describe('collections (pickups unloaded at disposal sites) on generated problems', () => {
  it('keep every collection rule, and the validator agrees', () => {
    fc.assert(
      fc.property(settings, (cfg) => {
        const problem = randomCollection(cfg);
        const solution = solve(problem, { maxIterations: 60, seed: cfg.seed });
        expect(validateSolution(problem, solution).violations).toEqual([]);
        expect(solution.cost).toBeCloseTo(validateSolution(problem, solution).cost, 6);
        checkRules(problem, solution);
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('never run a trip across a pause of its vehicle (a shift change, nobody on shift), and still keep every collection rule', () => {
    // On the road from leaving (the depot or the previous site) until done unloading, the drive back included for the last trip.
    const across = (from: number, to: number, [a, b]: readonly [number, number]): boolean => (a < b ? from < b - 1e-6 && to > a + 1e-6 : from < a - 1e-6 && to > a + 1e-6);
    let trips = 0;
    fc.assert(
      fc.property(settings, fc.integer({ min: 1, max: 2 ** 30 }), (cfg, pauseSeed) => {
        const problem = withPauses(randomCollection(cfg), pauseSeed);
        const solution = solve(problem, { maxIterations: 60, seed: cfg.seed });
        expect(validateSolution(problem, solution).violations).toEqual([]);
        checkRules(problem, solution);
        for (const r of solution.routes) {
          const from = r.departure!;
          const pause = problem.vehicles[r.vehicle]!.pauses!.find((p) => across(from, from + r.duration, p));
          expect(pause, `trip ${from}-${from + r.duration} across ${JSON.stringify(pause)}`).toBeUndefined();
          trips++;
        }
      }),
      { numRuns: 300, seed: 43 },
    );
    // The premise: the pauses left room for trips.
    expect(trips).toBeGreaterThan(300);
  });

  it('report pickups a full site cannot take as disposal-capacity, and collect up to its room', () => {
    const problem = randomCollection({ seed: 5, stops: 30, vehicles: 4, sites: 1, siteRoom: 0.3, hours: false, windows: false, shifts: false, trips: 6 });
    const solution = solve(problem, { maxIterations: 300 });
    expect(validateSolution(problem, solution).violations).toEqual([]);
    expect(solution.unserved.some((u) => u.reason === 'disposal-capacity')).toBe(true);
    expect(solution.routes.length).toBeGreaterThan(0);
  });

  it('unload several times per shift when one load cannot hold the day', () => {
    const base = randomCollection({ seed: 9, stops: 40, vehicles: 1, sites: 2, siteRoom: 2, hours: false, windows: false, shifts: false, trips: 8 });
    // About a third of the day's bags per load: at least three unloads.
    const bags = base.stops.reduce((s, x) => s + x.demand[0]!, 0);
    const problem = { ...base, vehicles: base.vehicles.map((v) => ({ ...v, capacity: [Math.ceil(bags / 3), 1e6] })) };
    const solution = solve(problem, { maxIterations: 300 });
    expect(validateSolution(problem, solution).violations).toEqual([]);
    expect(solution.unserved).toEqual([]);
    expect(solution.routes.length).toBeGreaterThanOrEqual(3);
    // Every later trip starts at the site where the previous one unloaded (the validator times it from there).
    expect(new Set(solution.routes.map((r) => r.trip)).size).toBe(solution.routes.length);
  });

  it('leave pickups to no vehicle without the waste skill', () => {
    const problem = randomCollection({ seed: 3, stops: 10, vehicles: 3, sites: 1, siteRoom: 2, hours: false, windows: false, shifts: false, trips: 2 });
    const none = { ...problem, vehicles: problem.vehicles.map((v) => ({ ...v, skills: ['cold'] })) };
    const solution = solve(none, { maxIterations: 50 });
    expect(solution.routes).toEqual([]);
    expect(solution.unserved.map((u) => u.reason)).toEqual(problem.stops.map(() => 'no-vehicle-with-skills'));
  });
});

describe('the collection validator', () => {
  const problem = randomCollection({ seed: 21, stops: 12, vehicles: 2, sites: 2, siteRoom: 2, hours: true, windows: false, shifts: true, trips: 3 });
  const solution = solve(problem, { maxIterations: 200 });
  const rules = (p: Problem, s: Solution): string[] => validateSolution(p, s).issues.map((i) => i.rule);

  it('accepts the planner\'s plan', () => {
    expect(solution.routes.length).toBeGreaterThan(0);
    expect(rules(problem, solution)).toEqual([]);
  });

  it('flags a trip that drives back loaded', () => {
    const routes = solution.routes.map((r, i) => (i === 0 ? { ...r, unload: undefined } : r));
    expect(rules(problem, { ...solution, routes })).toContain('unload');
  });

  it('flags a site over its daily capacity', () => {
    const sites = problem.sites!.map((s) => ({ ...s, capacity: [1e9, 1] }));
    expect(rules({ ...problem, sites }, solution)).toContain('site-capacity:kg');
  });

  it('flags an unload after the site closes', () => {
    const sites = problem.sites!.map((s) => ({ ...s, hours: [0, 1] as const }));
    expect(rules({ ...problem, sites }, solution)).toContain('site-hours');
  });

  it('flags a collected load over the vehicle capacity before its unload', () => {
    const vehicles = problem.vehicles.map((v) => ({ ...v, capacity: [1, 1] }));
    expect(rules({ ...problem, vehicles }, solution)).toContain('capacity:kg');
  });

  it('flags a vehicle without the waste skill collecting', () => {
    const vehicles = problem.vehicles.map((v) => ({ ...v, skills: [] }));
    expect(rules({ ...problem, vehicles }, solution)).toContain('skill:waste');
  });

  it('flags a trip that runs across a shift change of its vehicle', () => {
    const r = solution.routes[0]!;
    const h = r.departure! + r.duration / 2;
    const vehicles = problem.vehicles.map((v, i) => (i === r.vehicle ? { ...v, pauses: [[h, h] as const] } : v));
    expect(rules({ ...problem, vehicles }, solution)).toContain('shift');
  });

  it('flags a pickup neither served nor unserved', () => {
    const routes = solution.routes.map((r, i) => (i === 0 ? { ...r, stops: r.stops.slice(1) } : r));
    expect(rules(problem, { ...solution, routes })).toContain('coverage');
  });
});
