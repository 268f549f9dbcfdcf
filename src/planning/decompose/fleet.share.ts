import type { Problem } from '../model/problem.types';
import { dist2, locator, type XY } from './geometry';
import type { Piece } from './cluster.split';

/**
 * Gives every piece a depot and a share of the fleet proportional to its demand. A piece goes to
 * its nearest depot unless that depot's fleet is already spoken for (then the nearest one with
 * room); each depot's vehicles are dealt to its pieces by largest deficit to their quota, so a
 * piece gets a mix of vehicle types. Every vehicle goes to exactly one piece.
 */
export function shareFleet(problem: Problem, pieces: readonly Piece[]): { depot: number[]; vehicles: number[][] } {
  const at = locator(problem);
  const depotXY: XY[] = problem.depots.map((d) => (at ? at(d.location) : { x: 0, y: 0 }));
  const weight = pieceWeights(problem, pieces);
  const totalWeight = weight.reduce((a, b) => a + b, 0) || 1;
  const fleetOf = problem.depots.map(() => 0);
  for (const v of problem.vehicles) fleetOf[v.depot]! += 1;
  const room = fleetOf.map((n) => (n / Math.max(1, problem.vehicles.length)) * totalWeight);
  const depot = pieces.map(() => -1);
  const order = pieces.map((_, i) => i).sort((a, b) => weight[b]! - weight[a]! || a - b);
  for (const p of order) {
    const near = depotXY.map((_, d) => d).filter((d) => fleetOf[d]! > 0)
      .sort((a, b) => dist2(depotXY[a]!, pieces[p]!.centre) - dist2(depotXY[b]!, pieces[p]!.centre) || a - b);
    // 10% tolerance: a piece rather stays with its nearest depot than travels for a rounding error.
    const d = near.find((c) => room[c]! >= weight[p]! * 0.9) ?? [...near].sort((a, b) => room[b]! - room[a]! || a - b)[0] ?? 0;
    depot[p] = d;
    room[d]! -= weight[p]!;
  }
  const vehicles: number[][] = pieces.map(() => []);
  problem.depots.forEach((_, d) => {
    let mine = pieces.map((_, p) => p).filter((p) => depot[p] === d);
    // A depot nobody was attached to still lends its fleet, to every piece by demand.
    if (!mine.length) mine = pieces.map((_, p) => p);
    const fleet = problem.vehicles.map((_, v) => v).filter((v) => problem.vehicles[v]!.depot === d)
      .sort((a, b) => capSum(problem, b) - capSum(problem, a) || a - b);
    const w = mine.reduce((s, p) => s + weight[p]!, 0) || 1;
    for (const v of fleet) {
      let best = mine[0]!;
      let bestDeficit = -Infinity;
      for (const p of mine) {
        const deficit = (fleet.length * weight[p]!) / w - vehicles[p]!.length;
        if (deficit > bestDeficit + 1e-12) { best = p; bestDeficit = deficit; }
      }
      vehicles[best]!.push(v);
    }
  });
  return { depot, vehicles: vehicles.map((list) => list.sort((a, b) => a - b)) };
}

/** Demand of a piece as its largest share of the fleet's capacity over all dimensions. */
function pieceWeights(problem: Problem, pieces: readonly Piece[]): number[] {
  const dims = problem.dimensions.length;
  const cap = new Array<number>(dims).fill(0);
  for (const v of problem.vehicles) v.capacity.forEach((q, d) => (cap[d]! += q));
  return pieces.map((piece) => {
    const sum = new Array<number>(dims).fill(0);
    for (const s of piece.stops) problem.stops[s]!.demand.forEach((q, d) => (sum[d]! += q));
    // A piece of zero-demand stops still needs a vehicle to visit them.
    return Math.max(1e-9 * piece.stops.length, ...sum.map((q, d) => (cap[d]! > 0 ? q / cap[d]! : 0)));
  });
}

function capSum(problem: Problem, v: number): number {
  return problem.vehicles[v]!.capacity.reduce((a, b) => a + b, 0);
}
