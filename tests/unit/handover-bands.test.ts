/**
 * Shift bands and handovers of a round's vehicles (src/domain/handover.ts, issue #18, items 4-5):
 * a handover wherever a vehicle's next trip has another driver, at a time between the trips; bands
 * that hold each driver's trips and never overlap on one vehicle.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plannedHandovers, shiftBands, type CrewDuty, type CrewTrip } from '../../src/domain/handover';

/** One vehicle's trips one after another, each with one of three drivers, and each driver's duty around some of them. */
const day = fc.array(fc.record({ gap: fc.integer({ min: 0, max: 3600 }), length: fc.integer({ min: 600, max: 7200 }), driver: fc.constantFrom('a', 'b', 'c') }), { minLength: 1, maxLength: 8 })
  .map((specs) => {
    let t = 0;
    const trips: CrewTrip[] = specs.map((s, i) => {
      t += s.gap;
      const trip = { tripId: `t${i}`, vehicleId: 'v', driverId: s.driver, departS: t, durationS: s.length };
      t += s.length;
      return trip;
    });
    return trips;
  });
const dutiesOf = (trips: CrewTrip[]): CrewDuty[] => ['a', 'b', 'c'].flatMap((d) => {
  const mine = trips.filter((t) => t.driverId === d);
  return mine.length ? [{ driverId: d, start: Math.min(...mine.map((t) => t.departS)) - 900, end: Math.max(...mine.map((t) => t.departS + t.durationS)) + 900 }] : [];
});

describe('handovers and shift bands', () => {
  it('a handover at every change of driver, between the two trips', () => {
    fc.assert(fc.property(day, fc.boolean(), (trips, rostered) => {
      const duties = rostered ? dutiesOf(trips) : [];
      const changes = trips.slice(1).filter((t, i) => t.driverId !== trips[i]!.driverId);
      const handovers = plannedHandovers(trips, duties);
      expect(handovers.map((h) => h.toTripId)).toEqual(changes.map((t) => t.tripId));
      for (const h of handovers) {
        const before = trips.find((t) => t.tripId === h.fromTripId)!;
        const next = trips.find((t) => t.tripId === h.toTripId)!;
        expect(h.atS).toBeGreaterThanOrEqual(before.departS + before.durationS);
        expect(h.atS).toBeLessThanOrEqual(next.departS);
        expect([h.fromDriverId, h.toDriverId]).toEqual([before.driverId, next.driverId]);
      }
    }));
  });

  it('bands hold their driver\'s trips and never overlap on a vehicle', () => {
    fc.assert(fc.property(day, fc.boolean(), (trips, rostered) => {
      const bands = shiftBands(trips, rostered ? dutiesOf(trips) : []);
      for (const t of trips) {
        expect(bands.some((b) => b.driverId === t.driverId && b.fromS <= t.departS && t.departS + t.durationS <= b.untilS), JSON.stringify({ t, bands })).toBe(true);
      }
      for (let i = 1; i < bands.length; i++) expect(bands[i - 1]!.untilS).toBeLessThanOrEqual(bands[i]!.fromS);
    }));
  });

  it('trips without a driver (not yet dispatched) give no band and no handover', () => {
    const trips = [{ tripId: 't1', vehicleId: 'v', driverId: null, departS: 0, durationS: 600 }];
    expect(shiftBands(trips, [])).toEqual([]);
    expect(plannedHandovers(trips, [])).toEqual([]);
  });
});
