import fc from 'fast-check';
import type { Problem, Stop, Vehicle } from '../../../src/planning/model/problem.types';
import { mulberry32 } from '../../../src/planning/routing/rng';

export interface GenOptions {
  stops: number;
  vehicles: number;
  depots?: number;
  windows?: boolean;
  skills?: boolean;
  dims?: number;
  seed: number;
  /** Shift end and max duration on vehicles. */
  shifts?: boolean;
}

/** Small random problems on a 100 x 100 grid (speed 1: a unit of distance takes a second). */
export function randomProblem(o: GenOptions): Problem {
  const rng = mulberry32(o.seed);
  const dims = o.dims ?? 1;
  const nDepots = o.depots ?? 1;
  const points = Array.from({ length: nDepots + o.stops }, () => ({ x: Math.round(rng() * 100), y: Math.round(rng() * 100) }));
  const skillNames = ['cold', 'gas', 'seats'];
  const stops: Stop[] = Array.from({ length: o.stops }, (_, i) => {
    const open = Math.round(rng() * 300);
    return {
      id: `s${i}`, location: nDepots + i,
      demand: Array.from({ length: dims }, () => 1 + Math.floor(rng() * 9)),
      serviceTime: Math.floor(rng() * 10),
      window: o.windows && rng() < 0.6 ? [open, open + 40 + Math.round(rng() * 200)] : undefined,
      priority: Math.floor(rng() * 4) as 0 | 1 | 2 | 3,
      skills: o.skills && rng() < 0.3 ? [skillNames[Math.floor(rng() * skillNames.length)]!] : undefined,
    };
  });
  const vehicles: Vehicle[] = Array.from({ length: o.vehicles }, (_, v) => ({
    id: `v${v}`, depot: v % nDepots,
    capacity: Array.from({ length: dims }, () => 15 + Math.floor(rng() * 30)),
    shift: o.shifts ? [0, 400 + Math.round(rng() * 400)] : undefined,
    maxDuration: o.shifts ? 350 : undefined,
    fixedCost: Math.round(rng() * 20),
    costPerDistance: 1 + Math.round(rng() * 2) / 2,
    skills: o.skills ? skillNames.filter(() => rng() < 0.5) : undefined,
  }));
  return {
    dimensions: Array.from({ length: dims }, (_, d) => `dim${d}`),
    depots: Array.from({ length: nDepots }, (_, d) => ({ id: `d${d}`, location: d })),
    stops, vehicles, travel: { kind: 'euclid', points, round: false },
  };
}

/** Arbitrary GenOptions for property tests, up to the given sizes. */
export function genOptions(max: { stops: number; vehicles: number; dims: number }): fc.Arbitrary<GenOptions> {
  return fc.record({
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
    stops: fc.integer({ min: 1, max: max.stops }),
    vehicles: fc.integer({ min: 1, max: max.vehicles }),
    depots: fc.integer({ min: 1, max: 2 }),
    dims: fc.integer({ min: 1, max: max.dims }),
    windows: fc.boolean(),
    skills: fc.boolean(),
    shifts: fc.boolean(),
  });
}
