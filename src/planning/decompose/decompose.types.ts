import type { Problem, Solution } from '../model/problem.types';

/** A district problem: a whole round plus a group key (community) per stop. */
export interface DistrictProblem {
  problem: Problem;
  /** group[i] is the community (or any grouping key) of problem.stops[i]. */
  group: readonly string[];
}

export interface DecomposeOptions {
  /** Largest sub-problem, in stops. Default 400. */
  maxStops?: number;
}

/**
 * One independently solvable piece: a self-contained Problem (its own points, depots and
 * vehicles, re-indexed from 0) and the maps back to the district problem.
 */
export interface SubProblem {
  id: string;
  group: string;
  problem: Problem;
  /** stops[i] = index in the district problem of sub-problem stop i. */
  stops: number[];
  /** vehicles[i] = index in the district problem of sub-problem vehicle i. */
  vehicles: number[];
  /** Depot (district index) the sub-problem is attached to for its fleet share. */
  depot: number;
}

export interface SubSolution {
  sub: SubProblem;
  solution: Solution;
}
