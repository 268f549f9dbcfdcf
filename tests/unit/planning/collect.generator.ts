import fc from 'fast-check';
import type { Problem } from '../../../src/planning/model/problem.types';
import { mulberry32 } from '../../../src/planning/routing/rng';

export interface CollectGenOptions {
  seed: number;
  stops: number;
  vehicles: number;
  sites: number;
  /** Share of the collected total the sites take together (1: exactly all of it). */
  siteRoom: number;
  hours: boolean;
  windows: boolean;
  shifts: boolean;
  trips: number;
}

/** Options of randomCollection as fast-check draws them. */
export const collectionSettings = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
  stops: fc.integer({ min: 1, max: 16 }),
  vehicles: fc.integer({ min: 1, max: 4 }),
  sites: fc.integer({ min: 1, max: 2 }),
  siteRoom: fc.constantFrom(0.3, 0.7, 2),
  hours: fc.boolean(),
  windows: fc.boolean(),
  shifts: fc.boolean(),
  trips: fc.integer({ min: 1, max: 4 }),
});

/**
 * Small random collections on a 100 x 100 grid (speed 1): pickups needing the `waste` skill, a fleet
 * where only some vehicles hold it, disposal sites with hours and a daily capacity.
 */
export function randomCollection(o: CollectGenOptions): Problem {
  const rng = mulberry32(o.seed);
  const nDepots = 2;
  const points = Array.from({ length: nDepots + o.sites + o.stops }, () => ({ x: Math.round(rng() * 100), y: Math.round(rng() * 100) }));
  const stops = Array.from({ length: o.stops }, (_, i) => {
    const open = Math.round(rng() * 300);
    return {
      id: `p${i}`, location: nDepots + o.sites + i,
      demand: [1 + Math.floor(rng() * 4), 5 + Math.floor(rng() * 40)],
      serviceTime: Math.floor(rng() * 10),
      skills: ['waste'],
      priority: Math.floor(rng() * 4) as 0 | 1 | 2 | 3,
      ...(o.windows && rng() < 0.4 ? { window: [open, open + 60 + Math.round(rng() * 300)] as const } : {}),
    };
  });
  const totalKg = stops.reduce((s, x) => s + x.demand[1]!, 0);
  const sites = Array.from({ length: o.sites }, (_, i) => ({
    id: `site${i}`, location: nDepots + i,
    unloadTime: Math.floor(rng() * 20),
    capacity: [1e9, Math.ceil((totalKg * o.siteRoom) / o.sites)],
    ...(o.hours ? { hours: [Math.round(rng() * 100), 500 + Math.round(rng() * 600)] as const } : {}),
  }));
  const vehicles = Array.from({ length: o.vehicles }, (_, v) => ({
    id: `v${v}`, depot: v % nDepots,
    capacity: [6 + Math.floor(rng() * 10), 40 + Math.floor(rng() * 120)],
    skills: v === 0 || rng() < 0.6 ? ['waste'] : ['cold'],
    maxTrips: o.trips,
    fixedCost: Math.round(rng() * 20),
    ...(o.shifts ? { shift: [0, 600 + Math.round(rng() * 600)] as const, maxDuration: 500 } : {}),
  }));
  return {
    dimensions: ['bags', 'kg'], depots: [{ id: 'd0', location: 0 }, { id: 'd1', location: 1 }], stops, vehicles, sites,
    travel: { kind: 'euclid', points, round: false },
  };
}

/**
 * The problem with driver shifts on every vehicle (issue #18, item 3): a shift (when it had none,
 * 0 to 1200), one or two handover instants inside it and, sometimes, a stretch nobody is on shift.
 */
export function withPauses(problem: Problem, seed: number): Problem {
  const rng = mulberry32(seed);
  return {
    ...problem,
    vehicles: problem.vehicles.map((v) => {
      const shift = v.shift ?? ([0, 1200] as const);
      const at = (): number => Math.round(shift[0] + rng() * (shift[1] - shift[0]));
      const pauses: (readonly [number, number])[] = Array.from({ length: 1 + Math.floor(rng() * 2) }, () => { const h = at(); return [h, h] as const; });
      if (rng() < 0.5) { const a = at(); pauses.push([a, Math.min(shift[1], a + 30 + Math.round(rng() * 150))]); }
      return { ...v, shift, pauses: pauses.sort((a, b) => a[0] - b[0]) };
    }),
  };
}
