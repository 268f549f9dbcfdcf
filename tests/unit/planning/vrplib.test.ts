import { describe, expect, it } from 'vitest';
import { cvrplibConventions, vrpToProblem } from '../../../src/planning/vrplib/cvrplib.problem';
import { formatSol, parseSol } from '../../../src/planning/vrplib/sol.format';
import { parseVrp, VrpParseError } from '../../../src/planning/vrplib/vrp.parser';

const SMALL = [
  'NAME : T-n4-k2',
  'COMMENT : tiny',
  'TYPE : CVRP',
  'DIMENSION : 4',
  'EDGE_WEIGHT_TYPE : EUC_2D',
  'CAPACITY : 10',
  'DISTANCE : 100',
  'SERVICE_TIME : 5',
  'NODE_COORD_SECTION',
  ' 1 0 0',
  ' 2 3 4',
  ' 3 6 8',
  ' 4 -3 -4',
  'DEMAND_SECTION',
  '1 0',
  '2 4',
  '3 5',
  '4 6',
  'DEPOT_SECTION',
  ' 1',
  ' -1',
  'EOF',
  '',
].join('\n');

function lineOf(text: string): number {
  try {
    parseVrp(text);
  } catch (err) {
    expect(err).toBeInstanceOf(VrpParseError);
    return (err as VrpParseError).line;
  }
  throw new Error('expected a parse error');
}

describe('parseVrp', () => {
  it('reads header, coordinates, demands and depot', () => {
    const vrp = parseVrp(SMALL);
    expect(vrp).toMatchObject({ name: 'T-n4-k2', dimension: 4, capacity: 10, distanceLimit: 100, serviceTime: 5, depot: 0 });
    expect(vrp.coords[3]).toEqual({ x: -3, y: -4 });
    expect(vrp.demands).toEqual([0, 4, 5, 6]);
  });

  it('accepts tab-separated headers as in the X set', () => {
    const vrp = parseVrp(SMALL.replace('NAME : T-n4-k2', 'NAME : \tT-n4-k2\t').replace('CAPACITY : 10', 'CAPACITY : \t10\t'));
    expect(vrp.capacity).toBe(10);
    expect(vrp.name).toBe('T-n4-k2');
  });

  it.each([
    ['a bad coordinate', SMALL.replace(' 3 6 8', ' 3 6 eight'), 12],
    ['a node id out of range', SMALL.replace(' 4 -3 -4', ' 9 -3 -4'), 13],
    ['a negative demand', SMALL.replace('3 5', '3 -5'), 17],
    ['an unsupported edge weight type', SMALL.replace('EUC_2D', 'GEO'), 5],
    ['an unsupported problem type', SMALL.replace('TYPE : CVRP', 'TYPE : TSP'), 3],
    ['a stray line', SMALL.replace('COMMENT : tiny', 'hello world'), 2],
    ['an unknown section', SMALL.replace('DEMAND_SECTION', 'EDGE_WEIGHT_SECTION'), 14],
  ])('names the line of %s', (_what, text, line) => {
    expect(lineOf(text)).toBe(line);
  });

  it('reports what is missing at the end of the file', () => {
    expect(() => parseVrp(SMALL.replace('CAPACITY : 10\n', ''))).toThrow(/missing CAPACITY/);
    expect(() => parseVrp(SMALL.replace('4 6\n', ''))).toThrow(/DEMAND_SECTION has no node 4/);
    expect(() => parseVrp(SMALL.replace(' 1\n -1', ' -1'))).toThrow(/exactly one depot/);
  });
});

describe('CVRPLIB conventions', () => {
  it('rounds distances except for CMT, and fixes the fleet for A, B and P only', () => {
    expect(cvrplibConventions('A-n32-k5')).toEqual({ round: true, exactRoutes: 5 });
    expect(cvrplibConventions('P-n16-k8')).toEqual({ round: true, exactRoutes: 8 });
    expect(cvrplibConventions('X-n101-k25')).toEqual({ round: true, exactRoutes: undefined });
    expect(cvrplibConventions('CMT6')).toEqual({ round: false, exactRoutes: undefined });
  });

  it('maps DISTANCE and SERVICE_TIME to a duration limit with service time', () => {
    const p = vrpToProblem(parseVrp(SMALL.replace('T-n4-k2', 'A-n4-k2')));
    expect(p.stops).toHaveLength(3);
    expect(p.stops[0]).toMatchObject({ id: '2', serviceTime: 5, demand: [4] });
    expect(p.vehicles[0]).toMatchObject({ maxDuration: 100, capacity: [10] });
    expect(p.minRoutes).toBe(2);
    expect(p.vehicles).toHaveLength(2);
    expect(vrpToProblem(parseVrp(SMALL)).vehicles).toHaveLength(3);
  });
});

describe('.sol files', () => {
  it('round-trips routes and cost', () => {
    const text = 'Route #1: 3 7 12\nRoute #2: 1 2\nCost 784\n';
    const sol = parseSol(text);
    expect(sol).toEqual({ routes: [[3, 7, 12], [1, 2]], cost: 784 });
    expect(formatSol(sol)).toBe(text);
    expect(parseSol(formatSol({ routes: [[1]], cost: 524.6114 }, 3)).cost).toBe(524.611);
  });

  it('names the line of a malformed entry', () => {
    expect(() => parseSol('Route #1: 1 2\nRoute #2: 3 x\nCost 5')).toThrow(/line 2/);
    expect(() => parseSol('Route #1: 1 2\n')).toThrow(/missing "Cost N"/);
  });
});
