/** Medical pass cars of a depot with shift templates drive on the roster (issue #18, item 3). */
import { describe, expect, it } from 'vitest';
import { rosteredCars } from '../../src/services/passes/pass-transport.service';

const now = new Date('2026-12-01T00:00:00Z');
const car = (id: string, licence: string | null = null) => ({ id, depotId: 'D', licence, driverId: null, depotLat: 31.2, depotLon: 121.4, seats: 3, skills: [] });
const shift = (driverId: string, fromH: number, toH: number, licences: string[] = [], vehicleId: string | null = null) =>
  ({ driverId, depotId: 'D', licences, vehicleId, startsAt: new Date(now.getTime() + fromH * 3600_000), endsAt: new Date(now.getTime() + toH * 3600_000) });

describe('pass cars on the roster', () => {
  it('each car takes the next free shift whose driver holds its licence, planned from that shift\'s start to its end; a car with none is not planned', () => {
    const cars = rosteredCars({
      vehicles: [car('a'), car('b', 'C1'), car('c')],
      shifts: [shift('x', -2, 6), shift('y', 6, 18), shift('z', 6, 18, ['C1'])],
    }, now);
    expect(cars.map((c) => [c.carId, c.driverId, c.availableFromS, c.shiftEndS])).toEqual([
      ['a', 'x', 0, 6 * 3600],
      ['b', 'z', 6 * 3600, 18 * 3600],
      ['c', 'y', 6 * 3600, 18 * 3600],
    ]);
    expect(rosteredCars({ vehicles: [car('a')], shifts: [] }, now)).toEqual([]);
  });
  it('a driver the dispatcher put on a car drives that car', () => {
    const cars = rosteredCars({ vehicles: [car('a'), car('b')], shifts: [shift('x', 0, 8), shift('y', 0, 8, [], 'a')] }, now);
    expect(cars.map((c) => [c.carId, c.driverId])).toEqual([['a', 'y'], ['b', 'x']]);
  });
  it('a car its driver was put on drives each of their shifts, so tomorrow\'s appointment finds it (the demo\'s standing Day shift)', () => {
    const cars = rosteredCars({
      vehicles: [car('a'), car('b')],
      shifts: [shift('y', 0, 12, [], 'a'), shift('n', 12, 24), shift('y', 24, 36, [], 'a'), shift('w', 24, 30, [], 'a')],
    }, now);
    expect(cars.map((c) => [c.carId, c.driverId, c.availableFromS / 3600, c.shiftEndS / 3600])).toEqual([['a', 'y', 0, 12], ['a', 'y', 24, 36], ['b', 'n', 12, 24]]);
    expect(new Set(cars.map((c) => c.id)).size).toBe(3);
  });
});
