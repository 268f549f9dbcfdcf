/**
 * The pure geometry behind the desk's map and timeline (src/web: no DOM needed): an area's outline
 * drawn from its gates when none was uploaded contains every gate; a leg's arrow points the way it
 * goes; the timeline's axis reaches the last planned moment and marks the shift's end only when it
 * gets there; stops close in time go on separate rows.
 */
import { describe, expect, it } from 'vitest';
import { convexHull, distanceM, paddedOutline, screenAngle, type LatLon } from '../../src/web/src/ui/map/map-geometry';
import { axis, lanes, stopRows } from '../../src/web/src/pages/dispatcher/timeline.model';
import type { Proposal, Stop, Trip } from '../../src/web/src/pages/dispatcher/proposal.types';

/** Whether `p` lies inside the convex polygon `poly` (corners in order, either way round). */
function inside(poly: LatLon[], p: LatLon): boolean {
  const signs = poly.map((a, i) => {
    const b = poly[(i + 1) % poly.length] as LatLon;
    return Math.sign((b[1] - a[1]) * (p[0] - a[0]) - (b[0] - a[0]) * (p[1] - a[1]));
  });
  return signs.every((s) => s >= 0) || signs.every((s) => s <= 0);
}

describe('map geometry', () => {
  const gates: LatLon[] = [[31.183, 121.443], [31.1834, 121.4436], [31.1829, 121.4441], [31.1832, 121.4438], [31.1836, 121.4432]];

  it('a hull keeps the outer gates only, and its padded outline holds every gate with room to spare', () => {
    const hull = convexHull(gates);
    expect(hull.length).toBe(4);
    expect(hull).not.toContainEqual([31.1832, 121.4438]);
    const outline = paddedOutline(gates, 40);
    for (const g of gates) expect(inside(outline, g)).toBe(true);
    // Every corner moved out by the padding.
    for (const [i, corner] of hull.entries()) expect(distanceM(corner, outline[i] as LatLon)).toBeCloseTo(40, 0);
  });

  it('one gate gets an octagon of the padding around it', () => {
    const outline = paddedOutline([[31.2, 121.4]], 50);
    expect(outline.length).toBe(8);
    for (const corner of outline) expect(distanceM(corner, [31.2, 121.4])).toBeCloseTo(50, 0);
  });

  it('an arrow turns clockwise from east, as CSS rotates', () => {
    expect(screenAngle([31.2, 121.4], [31.2, 121.41])).toBeCloseTo(0);
    expect(screenAngle([31.2, 121.4], [31.21, 121.4])).toBeCloseTo(-90);
    expect(screenAngle([31.2, 121.4], [31.19, 121.4])).toBeCloseTo(90);
  });
});

const stop = (id: string, seq: number, servedS: number, window: Stop['window'] = null): Stop => ({
  id, seq, locked: false, corridorId: 'c', status: 'pending', urgent: false, bags: [], window, servedS, late: false, deadlineS: null, deadlineMissed: false,
});
const trip = (id: string, vehicleId: string, tripNo: number, departS: number, durationS: number, stops: Stop[]): Trip => ({
  id, vehicleId, depotId: 'd', vehicleName: vehicleId, vehiclePlate: null, depotName: 'Depot', driverName: null, tripNo, departS, distanceM: 1000, durationS, stops,
});
const proposal = (trips: Trip[]): Proposal => ({
  roundId: 'r', status: 'proposed', shiftStartMin: 480, shiftEndS: 8 * 3600, trips, loadingList: [], unserved: [], allocation: null, setPartitioning: null, packingChanges: [],
});

describe('timeline model', () => {
  it('a lane per vehicle, its trips in order with the reload between them', () => {
    const p = proposal([trip('b', 'van1', 2, 5000, 1000, []), trip('a', 'van1', 1, 0, 3600, []), trip('c', 'van2', 1, 0, 600, [])]);
    const [van1, van2] = lanes(p);
    expect(van1?.trips.map((t) => t.id)).toEqual(['a', 'b']);
    expect(van1?.reloads).toEqual([{ fromS: 3600, untilS: 5000 }]);
    expect(van2?.reloads).toEqual([]);
  });

  it('the axis reaches the last planned moment, rounded up to the hour, and the shift end only when it gets there', () => {
    const short = proposal([trip('a', 'v', 1, 0, 1800, [stop('1', 0, 900)])]);
    expect(axis(short, {})).toEqual({ endS: 3600, hours: [0, 3600], shiftEndInside: false });
    const long = proposal([trip('a', 'v', 1, 0, 7.5 * 3600, [stop('1', 0, 900, { fromS: 0, untilS: 7 * 3600 })])]);
    expect(axis(long, {}).shiftEndInside).toBe(true);
    expect(axis(long, {}).endS).toBe(8 * 3600);
  });

  it('stops close in time go on separate rows; far apart, on the first', () => {
    const ax = axis(proposal([trip('a', 'v', 1, 0, 3600, [])]), {});
    const rows = stopRows([0, 10, 20, 2000].map((s, i) => ({ stop: stop(String(i), i, s), tripNo: 1 })), ax);
    expect(rows).toEqual([0, 1, 2, 0]);
  });
});
