import type { Problem, Travel } from '../model/problem.types';
import { splitStops } from './cluster.split';
import type { DecomposeOptions, DistrictProblem, SubProblem } from './decompose.types';
import { shareFleet } from './fleet.share';

export const DEFAULT_MAX_STOPS = 400;

/**
 * Cuts a district problem into self-contained sub-problems (own points, depots and vehicles),
 * each small enough for one dense-matrix solve and cheap to ship to another thread or machine.
 */
export function decomposeDistrict(district: DistrictProblem, options: DecomposeOptions = {}): SubProblem[] {
  const { problem, group } = district;
  const pieces = splitStops(problem, group, options.maxStops ?? DEFAULT_MAX_STOPS);
  const fleet = shareFleet(problem, pieces);
  return pieces.map((piece, i) => ({
    id: `sub${i + 1}`, group: piece.group, stops: piece.stops, vehicles: fleet.vehicles[i]!, depot: fleet.depot[i]!,
    problem: subProblem(problem, piece.stops, fleet.vehicles[i]!),
  }));
}

/** The problem restricted to some stops and vehicles, re-indexed from 0 (depots: those the vehicles use). */
export function subProblem(problem: Problem, stops: readonly number[], vehicles: readonly number[]): Problem {
  const depotIds = [...new Set(vehicles.map((v) => problem.vehicles[v]!.depot))].sort((a, b) => a - b);
  // A piece without vehicles keeps one depot so it is still a valid Problem (all its stops end unserved).
  if (!depotIds.length && problem.depots.length) depotIds.push(0);
  const newDepot = new Map(depotIds.map((d, i) => [d, i]));
  const locations = [...depotIds.map((d) => problem.depots[d]!.location), ...stops.map((s) => problem.stops[s]!.location)];
  return {
    dimensions: problem.dimensions,
    depots: depotIds.map((d, i) => ({ ...problem.depots[d]!, location: i })),
    stops: stops.map((s, i) => ({ ...problem.stops[s]!, location: depotIds.length + i })),
    vehicles: vehicles.map((v) => ({ ...problem.vehicles[v]!, depot: newDepot.get(problem.vehicles[v]!.depot)! })),
    travel: subTravel(problem.travel, locations),
  };
}

function subTravel(travel: Travel, locations: readonly number[]): Travel {
  switch (travel.kind) {
    case 'geo': return { ...travel, points: locations.map((l) => travel.points[l]!) };
    case 'euclid': return { ...travel, points: locations.map((l) => travel.points[l]!) };
    case 'matrix': return {
      kind: 'matrix',
      distance: locations.map((a) => locations.map((b) => travel.distance[a]![b]!)),
      duration: travel.duration ? locations.map((a) => locations.map((b) => travel.duration![a]![b]!)) : undefined,
    };
  }
}
