import type { Problem, Stop, Vehicle } from '../model/problem.types';
import { mulberry32 } from '../routing/rng';
import type { DistrictProblem } from './decompose.types';

export interface DistrictSpec {
  stops: number;
  vehicles: number;
  communities?: number;
  depots?: number;
  seed?: number;
  /** Share of stops with a delivery window (medicine due today). Default 0.05. */
  windowed?: number;
}

const CENTRE = { lat: 50.45, lon: 30.52 };
const M_LAT = 1 / 110_540;
const M_LON = 1 / (111_320 * Math.cos((CENTRE.lat * Math.PI) / 180));

/**
 * A sealed district, deterministic for a seed: communities scattered over a city of ~9 km radius,
 * corridor drop points around each community centre, bags + kg demand, service times, a few
 * depots on the edge and a fleet of vans on 08:00-20:00 shifts. For tests and the benchmark.
 */
export function generateDistrict(spec: DistrictSpec): DistrictProblem {
  const rnd = mulberry32(spec.seed ?? 1);
  const nCom = spec.communities ?? Math.max(20, Math.min(40, Math.round(spec.stops / 250)));
  const nDep = spec.depots ?? Math.max(1, Math.min(4, Math.round(spec.vehicles / 50)));
  const at = (r: number, a: number): { lat: number; lon: number } => ({ lat: CENTRE.lat + r * Math.sin(a) * M_LAT, lon: CENTRE.lon + r * Math.cos(a) * M_LON });
  const points: { lat: number; lon: number }[] = [];
  const depots = Array.from({ length: nDep }, (_, d) => {
    points.push(at(9_000, (2 * Math.PI * d) / nDep + 0.3));
    return { id: `D${d + 1}`, location: points.length - 1 };
  });
  const centres = Array.from({ length: nCom }, () => at(8_000 * Math.sqrt(rnd()), 2 * Math.PI * rnd()));
  // Uneven communities (a few estates of many blocks), each spread in proportion to its size.
  const weights = centres.map(() => 0.2 + 3 * rnd() ** 2);
  const meanWeight = weights.reduce((a, b) => a + b, 0) / nCom;
  const cumulative = weights.map((_, i) => weights.slice(0, i + 1).reduce((a, b) => a + b, 0) / (meanWeight * nCom));
  const group: string[] = [];
  const stops: Stop[] = [];
  for (let i = 0; i < spec.stops; i++) {
    const pick = rnd();
    const found = cumulative.findIndex((q) => pick < q);
    const c = found < 0 ? nCom - 1 : found;
    const centre = centres[c]!;
    const r = 700 * Math.sqrt((weights[c]! / meanWeight) * rnd());
    const a = 2 * Math.PI * rnd();
    points.push({ lat: centre.lat + r * Math.sin(a) * M_LAT, lon: centre.lon + r * Math.cos(a) * M_LON });
    const bags = 1 + Math.floor(rnd() * 6);
    const windowed = rnd() < (spec.windowed ?? 0.05);
    stops.push({
      id: `S${i + 1}`, location: points.length - 1, demand: [bags, bags * (6 + Math.floor(rnd() * 6))],
      serviceTime: 60 + 30 * bags, priority: windowed ? 1 : 2, ...(windowed ? { window: [8 * 3600, 14 * 3600] as const } : {}),
    });
    group.push(`C${String(c + 1).padStart(2, '0')}`);
  }
  const vehicles: Vehicle[] = Array.from({ length: spec.vehicles }, (_, v) => ({
    id: `V${v + 1}`, depot: v % nDep, capacity: v % 5 === 0 ? [140, 1400] : [90, 900], shift: [8 * 3600, 20 * 3600],
    costPerDistance: 0.001, costPerHour: 12, fixedCost: 20,
  }));
  const problem: Problem = { dimensions: ['bags', 'kg'], depots, stops, vehicles, travel: { kind: 'geo', points, roadFactor: 1.35 } };
  return { problem, group };
}
