import type { Problem } from '../model/problem.types';
import type { VrpFile } from './vrp.parser';

/**
 * CVRPLIB conventions (see ../shared/bench/instances/README.md): distances rounded to the nearest
 * integer except the CMT set (real-valued); A, B and P use exactly k routes (k from `-kN` in the
 * name); CMT and X leave the fleet free.
 */
export function cvrplibConventions(name: string): { round: boolean; exactRoutes?: number } {
  const round = !/^CMT/i.test(name);
  const k = /-k(\d+)/i.exec(name);
  const exact = /^[ABP]-/i.test(name) && k ? Number(k[1]) : undefined;
  return { round, exactRoutes: exact };
}

/** Customers in file order without the depot: CVRPLIB customer number i (1-based) is stops[i - 1]. */
export function vrpToProblem(vrp: VrpFile, conv = cvrplibConventions(vrp.name)): Problem {
  const customers = vrp.coords.map((_, i) => i).filter((i) => i !== vrp.depot);
  const fleet = conv.exactRoutes ?? customers.length;
  return {
    dimensions: ['demand'],
    depots: [{ id: String(vrp.depot + 1), location: vrp.depot }],
    stops: customers.map((i) => ({ id: String(i + 1), location: i, demand: [vrp.demands[i]!], serviceTime: vrp.serviceTime ?? 0 })),
    vehicles: Array.from({ length: fleet }, (_, v) => ({
      id: `v${v + 1}`, depot: 0, capacity: [vrp.capacity], maxDuration: vrp.distanceLimit,
    })),
    travel: { kind: 'euclid', points: vrp.coords, round: conv.round },
    minRoutes: conv.exactRoutes ?? 0,
  };
}
