/**
 * The collection solver's search and its chaining must agree on where each trip starts (issue #18,
 * item 1 follow-up): a waste round under CPU starvation once came back with fewer trips than it
 * needed. The search used to cost every trip as a tour from the hub site, while the chaining drives
 * a vehicle's first trip from its depot: a trip that fitted the shift from the hub then failed to
 * chain from the depot and all its pickups were dropped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PlannedRoute, Problem } from '../../../src/planning/model/problem.types';
import type { SolveResult } from '../../../src/planning/solve.types';
import { solve } from '../../../src/planning/solve';
import { chainCollection, type TripCopy } from '../../../src/planning/collect/collect.chain';
import { solveCollection } from '../../../src/planning/collect/collect.solve';
import { mulberry32 } from '../../../src/planning/routing/rng';
import { validateSolution } from '../../../src/planning/validate/solution.validate';
import { collectionSettings as instances, randomCollection } from './collect.generator';

/** A depot at (0,0), a disposal site at (100,0), pickups stacked north of the site (speed 1). */
function farDepot(pickups: { y: number; window?: readonly [number, number]; priority?: 0 | 1 | 2 | 3 }[], shiftEnd: number, maxTrips = 1): Problem {
  return {
    dimensions: ['bags', 'kg'],
    depots: [{ id: 'depot', location: 0 }],
    sites: [{ id: 'site', location: 1 }],
    stops: pickups.map((p, i) => ({
      id: `p${i}`, location: 2 + i, demand: [1, 10], skills: ['waste'],
      ...(p.window ? { window: p.window } : {}), ...(p.priority !== undefined ? { priority: p.priority } : {}),
    })),
    vehicles: [{ id: 'truck', depot: 0, capacity: [10, 100], skills: ['waste'], shift: [0, shiftEnd], maxTrips }],
    travel: { kind: 'euclid', round: false, points: [{ x: 0, y: 0 }, { x: 100, y: 0 }, ...pickups.map((p) => ({ x: 100, y: p.y }))] },
  };
}

describe('collection trips, searched and chained from the same place', () => {
  it('serves what a trip from the depot can reach when the site is far from the depot (a hub tour fitted, the depot trip did not)', () => {
    // From the hub the four pickups are an 80 s tour, well inside the 120 s the search saw; from the
    // depot only the first one fits the shift: depot > p0 > site > depot is 210.5 s of 220.
    const problem = farDepot([{ y: 10 }, { y: 20 }, { y: 30 }, { y: 40 }], 220, 2);
    let searched: Problem | undefined;
    const solution = solveCollection(problem, { maxIterations: 200, seed: 1 }, (p, o) => solve((searched = p), o));
    // The search's first trip leaves the depot and ends at the site; the second is a tour of the site.
    const [firstTrip, secondTrip] = searched!.vehicles.map((v) => searched!.depots[v.depot]);
    expect(firstTrip).toMatchObject({ location: 0, end: 1 });
    expect(secondTrip).toEqual({ id: 'site', location: 1 });
    expect(validateSolution(problem, solution).violations).toEqual([]);
    expect(solution.routes.flatMap((r) => r.stops)).toEqual([0]);
    expect(solution.unserved.map((u) => u.stop)).toEqual([1, 2, 3]);
    for (const u of solution.unserved) expect(u.reason).toBeTruthy();
  });

  it('keeps the pickups of a trip that no longer fits whole once chained, dropping only those that fit nowhere', () => {
    // Two trips for one truck: the urgent one first from the depot; the second then leaves the site
    // at 110.5 s, too late for p2's window (by 120 s), but p1 still fits after it.
    const problem = farDepot([{ y: 10, priority: 0 }, { y: 20 }, { y: 30, window: [0, 120] }], 1000, 2);
    const trips: PlannedRoute[] = [
      { vehicle: 0, stops: [0], distance: 0, duration: 0, cost: 0, load: [1, 10], starts: [0] },
      { vehicle: 1, stops: [1, 2], distance: 0, duration: 0, cost: 0, load: [2, 20], starts: [0, 0] },
    ];
    const chained = chainCollection(problem, trips, [{ vehicle: 0, fromDepot: true }, { vehicle: 0, fromDepot: false }]);
    const solution = { routes: chained.routes, unserved: chained.unserved, cost: 0, distance: 0 };
    expect(validateSolution(problem, solution).violations).toEqual([]);
    expect(chained.routes.map((r) => r.stops)).toEqual([[0], [1]]);
    expect(chained.unserved).toEqual([{ stop: 2, reason: 'shift-exhausted' }]);
  });
});

/** The per-trip copies collect.solve.ts routes on: maxTrips per vehicle, the first leaving the depot. */
const copiesOf = (problem: Problem): TripCopy[] =>
  problem.vehicles.flatMap((v, vehicle) => Array.from({ length: v.maxTrips ?? 1 }, (_, k) => ({ vehicle, fromDepot: k === 0 })));

/** Any grouping of the pickups into trips on the copies of waste-skilled vehicles, in any order. */
function anyTrips(problem: Problem, copies: readonly TripCopy[], seed: number): PlannedRoute[] {
  const rng = mulberry32(seed);
  const skilled = copies.map((c, i) => [c, i] as const).filter(([c]) => problem.vehicles[c.vehicle]!.skills?.includes('waste')).map(([, i]) => i);
  const byCopy = new Map<number, number[]>();
  for (const stop of problem.stops.map((_, i) => i).sort(() => rng() - 0.5)) {
    const copy = skilled[Math.floor(rng() * skilled.length)]!;
    byCopy.set(copy, [...(byCopy.get(copy) ?? []), stop]);
  }
  return [...byCopy].map(([vehicle, stops]) => ({ vehicle, stops, distance: 0, duration: rng() * 100, cost: 0, load: [], starts: [] }));
}

describe('collection chaining on generated problems', () => {
  it('turns any trips into a plan the collection validator accepts, every pickup served or unserved with a reason', () => {
    fc.assert(
      fc.property(instances, (cfg) => {
        const problem = randomCollection(cfg);
        const copies = copiesOf(problem);
        const chained = chainCollection(problem, anyTrips(problem, copies, cfg.seed), copies);
        expect(validateSolution(problem, { ...chained, cost: 0, distance: 0 }).violations).toEqual([]);
        for (const u of chained.unserved) expect(u.reason).toBeTruthy();
      }),
      { numRuns: 300, seed: 18 },
    );
  });

  it('loses no pickup the search placed when neither time nor site room binds', () => {
    fc.assert(
      fc.property(instances, (cfg) => {
        const problem = randomCollection({ ...cfg, siteRoom: 2, hours: false, windows: false, shifts: false });
        let searched: SolveResult | undefined;
        const solution = solveCollection(problem, { maxIterations: 40, seed: cfg.seed }, (p, o) => (searched = solve(p, o)));
        expect(solution.unserved).toEqual(searched!.unserved);
      }),
      { numRuns: 200, seed: 18 },
    );
  });
});
