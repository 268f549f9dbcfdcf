/**
 * Waste collection benchmark: `npm run bench -- waste [--corridors 5000] [--trucks 10] [--tonnes 25] [--seconds 60] [--seed 1]`.
 * A sealed district (the district benchmark's generator: corridors clustered in communities)
 * where every corridor asks for a pickup, 25 t in all, collected by 10 waste trucks over a day
 * (the fleet runs 24 hours) and unloaded at two disposal sites, one open 06:00-22:00, with daily
 * capacities that together take the day's waste. One collection solve (src/planning/collect),
 * then the plan validator. Figures: seconds (generation to validated plan), tonnes collected,
 * trucks used, pickups unserved.
 */
import { performance } from 'node:perf_hooks';
import { generateDistrict } from '../src/planning/decompose/district.generate';
import type { Problem } from '../src/planning/model/problem.types';
import { solve } from '../src/planning/solve';
import { validateSolution } from '../src/planning/validate/solution.validate';
import { numberOption } from './options';

const DAY_S = 24 * 3600;

export function wasteDistrict(o: { corridors: number; trucks: number; tonnes: number; seed: number }): Problem {
  const { problem } = generateDistrict({ stops: o.corridors, vehicles: o.trucks, depots: 1, seed: o.seed, windowed: 0 });
  const points = [...(problem.travel as { kind: 'geo'; points: { lat: number; lon: number }[] }).points];
  // Bags per corridor as generated; kilograms scaled so the district hands over `tonnes` in all.
  const rawKg = problem.stops.reduce((s, x) => s + x.demand[1]!, 0);
  const scale = (o.tonnes * 1000) / rawKg;
  const stops = problem.stops.map((s) => ({
    id: s.id, location: s.location, demand: [s.demand[0]!, s.demand[1]! * scale],
    serviceTime: 30 + 10 * s.demand[0]!, skills: ['waste'], priority: 2 as const,
  }));
  points.push({ lat: 50.39, lon: 30.45 }, { lat: 50.5, lon: 30.62 });
  const sites = [
    { id: 'incinerator', location: points.length - 2, capacity: [1e9, 0.6 * o.tonnes * 1000], unloadTime: 900 },
    { id: 'landfill', location: points.length - 1, capacity: [1e9, 0.6 * o.tonnes * 1000], unloadTime: 1200, hours: [6 * 3600, 22 * 3600] as const },
  ];
  const vehicles = Array.from({ length: o.trucks }, (_, v) => ({
    id: `W${v + 1}`, depot: 0, capacity: [600, 3000], shift: [0, DAY_S] as const, skills: ['waste', 'protective'],
    maxTrips: 8, costPerDistance: 0.001, costPerHour: 12, fixedCost: 20,
  }));
  return { dimensions: problem.dimensions, depots: problem.depots, stops, vehicles, sites, travel: { kind: 'geo', points, roadFactor: 1.35 } };
}

export async function run(args: string[]): Promise<Record<string, number | string | null>> {
  const corridors = numberOption(args, 'corridors', 5000);
  const trucks = numberOption(args, 'trucks', 10);
  const tonnes = numberOption(args, 'tonnes', 25);
  const target = numberOption(args, 'seconds', 60);
  const seed = numberOption(args, 'seed', 1);
  const t0 = performance.now();
  const problem = wasteDistrict({ corridors, trucks, tonnes, seed });
  // The budget leaves room for generation, chaining and validation under the target.
  const solution = solve(problem, { seed, timeLimitMs: Math.max(1000, target * 1000 * 0.8 - (performance.now() - t0)), now: () => performance.now() });
  const report = validateSolution(problem, solution);
  const seconds = (performance.now() - t0) / 1000;
  const kg = solution.routes.reduce((s, r) => s + r.stops.reduce((x, i) => x + problem.stops[i]!.demand[1]!, 0), 0);
  const metrics = {
    seconds: round(seconds),
    tonnes: round(kg / 1000),
    trucks_used: new Set(solution.routes.map((r) => r.vehicle)).size,
    unserved: solution.unserved.length,
    trips: solution.routes.length,
    infeasible: report.ok ? 0 : 1,
  };
  const reasons = Object.entries(solution.unserved.reduce<Record<string, number>>((m, u) => ({ ...m, [u.reason]: (m[u.reason] ?? 0) + 1 }), {}));
  console.log(['corridors', 'trucks', 'tonnes_asked', ...Object.keys(metrics), 'unserved_by_reason'].join('\t'));
  console.log([corridors, trucks, tonnes, ...Object.values(metrics), reasons.map(([r, n]) => `${r}:${n}`).join(',') || '-'].join('\t'));
  if (!report.ok) console.log(report.violations.slice(0, 5).join('\n'));
  return metrics;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
