/** A sub-problem's route pool survives storage: same routes on the district, unknown records left out. */
import { describe, expect, it } from 'vitest';
import { poolRoutesOnDistrict, toStoredPool } from '../../src/planning/adapters/round-pool';
import { buildProblem, type NeedForPlan, type VehicleForPlan } from '../../src/planning/adapters/round-problem';

const needs = (corridors: string[]): NeedForPlan[] => corridors.map((corridorId, i) => ({
  id: `n-${corridorId}`, kind: 'rice', urgency: 'routine', corridorId, members: 2, quantity: 5, lat: 31.2 + 0.001 * i, lon: 121.4,
}));
const vehicle = (id: string): VehicleForPlan => ({ id, depotId: 'd1', depotLat: 31.19, depotLon: 121.4, capacity: { bags: 10 }, skills: [] });

describe('stored route pools', () => {
  it('map a sub-problem pool onto the district by corridor and vehicle id', () => {
    const subVehicles = [vehicle('v2'), vehicle('v3')];
    const sub = buildProblem(needs(['k3', 'k1', 'k2']), subVehicles);
    const stored = toStoredPool(sub, subVehicles, [{ vehicle: 1, stops: [2, 0], cost: 5 }, { vehicle: 1, stops: [1], cost: 2 }]);
    expect(stored).toEqual({ corridors: ['k3', 'k1', 'k2'], vehicles: ['v3'], routes: [[0, 2, 0], [0, 1]], costs: [5, 2] });
    // Stored as JSON, read back on a district whose stops and vehicles are in another order.
    const districtVehicles = [vehicle('v1'), vehicle('v2'), vehicle('v3')];
    const district = buildProblem(needs(['k1', 'k2', 'k3', 'k4']), districtVehicles);
    const routes = poolRoutesOnDistrict(district, districtVehicles, [JSON.parse(JSON.stringify(stored)), undefined]);
    expect(routes).toEqual([{ vehicle: 2, stops: [1, 2], cost: 5 }, { vehicle: 2, stops: [0], cost: 2 }]);
  });

  it('leaves out routes through a corridor or on a vehicle the district no longer has', () => {
    const v = [vehicle('v1')];
    const stored = { corridors: ['k1', 'gone'], vehicles: ['v1', 'sold'], routes: [[0, 0], [0, 1, 0], [1, 0]] };
    const district = buildProblem(needs(['k1']), v);
    expect(poolRoutesOnDistrict(district, v, [stored])).toEqual([{ vehicle: 0, stops: [0] }]);
  });
});
