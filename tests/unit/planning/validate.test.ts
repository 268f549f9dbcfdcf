import { describe, expect, it } from 'vitest';
import type { Problem, Solution } from '../../../src/planning/model/problem.types';
import { validateSolution } from '../../../src/planning/validate/solution.validate';

// depot at 0; stops on a line at x = 10, 20, 30 (distance = duration, speed 1)
const problem: Problem = {
  dimensions: ['bags', 'kg'],
  depots: [{ id: 'd', location: 0 }],
  stops: [
    { id: 'a', location: 1, demand: [2, 10], window: [0, 15] },
    { id: 'b', location: 2, demand: [2, 10], skills: ['cold'] },
    { id: 'c', location: 3, demand: [2, 10], serviceTime: 5 },
  ],
  vehicles: [
    { id: 'v1', depot: 0, capacity: [4, 100], skills: ['cold'], shift: [0, 100] },
    { id: 'v2', depot: 0, capacity: [10, 15], shift: [0, 100] },
  ],
  travel: { kind: 'euclid', points: [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 20, y: 0 }, { x: 30, y: 0 }] },
};

const route = (vehicle: number, stops: number[]): Solution['routes'][number] => ({ vehicle, stops, distance: 0, duration: 0, cost: 0, load: [], starts: [] });

describe('validateSolution', () => {
  it('accepts a feasible plan and recomputes its cost', () => {
    const report = validateSolution(problem, { routes: [route(0, [0, 1]), route(1, [2])], unserved: [], cost: 0, distance: 0 });
    expect(report.violations).toEqual([]);
    expect(report.distance).toBe(40 + 60);
  });

  it.each([
    ['a stop served twice', [route(0, [0, 1]), route(1, [2, 0])], [], /appears 2 times/],
    ['a missing stop', [route(0, [0, 1])], [], /stop c appears 0 times/],
    ['a capacity excess in one dimension', [route(0, [0, 1, 2])], [], /bags load 6 exceeds capacity 4/],
    ['a missing skill', [route(1, [1, 0, 2])], [], /needs skill cold/],
    ['a window missed', [route(0, [1, 0]), route(1, [2])], [], /after its window ends/],
    ['a vehicle used twice', [route(0, [0]), route(0, [1]), route(1, [2])], [], /used more than 1/],
  ])('rejects %s', (_what, routes, unserved, message) => {
    const report = validateSolution(problem, { routes, unserved, cost: 0, distance: 0 });
    expect(report.ok).toBe(false);
    expect(report.violations.join('\n')).toMatch(message);
  });

  it('rejects a route that ends after the shift or exceeds the duration limit', () => {
    const tight: Problem = { ...problem, vehicles: [{ ...problem.vehicles[0]!, shift: [0, 30] }, { ...problem.vehicles[1]!, maxDuration: 60 }] };
    const report = validateSolution(tight, { routes: [route(0, [0, 1]), route(1, [2])], unserved: [], cost: 0, distance: 0 });
    expect(report.violations.join('\n')).toMatch(/after the shift ends at 30/);
    expect(report.violations.join('\n')).toMatch(/duration 65 exceeds 60/);
  });

  it('counts an unserved stop with a reason as accounted for', () => {
    const report = validateSolution(problem, { routes: [route(0, [0, 1])], unserved: [{ stop: 2, reason: 'fleet-exhausted' }], cost: 0, distance: 0 });
    expect(report.ok).toBe(true);
  });
});
