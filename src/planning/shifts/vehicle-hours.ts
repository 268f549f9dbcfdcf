/**
 * When a vehicle can be planned, from the shifts of the drivers who may drive it (issue #18, item 3):
 * the planner sees a vehicle's availability as its shifts.
 *
 * - The vehicle's shift runs from the first staffed shift's start to the last one's end.
 * - Pauses: a stretch nobody is on shift (between staffed shifts) is a pause no trip may overlap, and
 *   every shift end while the vehicle is staffed is a handover instant no trip may run across. A trip
 *   thus starts and ends within one driver's shift; a shift that continues (the same driver on the
 *   next one) is joined in the driver's duty and may still drive a trip over it, but the planner does
 *   not count on it.
 * - The longest trip: the longest stretch between two handovers (a trip may wait at a gate; the
 *   continuous driving limit is kept by the driver assignment, on time on the road).
 * No staffed shift: the vehicle is not planned at all.
 */
import { holdsLicence } from './duty';
import type { Duty } from './shift.types';

export interface VehicleHours {
  shift: readonly [number, number];
  pauses: (readonly [number, number])[];
  /** The longest stretch between handovers (or edges of staffed time). */
  stretchS: number;
}

export function vehicleHours(vehicle: { pool: string; licence: string | null }, duties: readonly Duty[]): VehicleHours | null {
  const mine = duties.filter((d) => d.pool === vehicle.pool && holdsLicence(d, vehicle) && d.end > d.start).sort((a, b) => a.start - b.start);
  if (!mine.length) return null;
  // Staffed blocks: the union of the shifts.
  const blocks: [number, number][] = [];
  for (const d of mine) {
    const last = blocks.at(-1);
    if (last && d.start <= last[1]) last[1] = Math.max(last[1], d.end);
    else blocks.push([d.start, d.end]);
  }
  const pauses: (readonly [number, number])[] = [];
  for (let i = 1; i < blocks.length; i++) pauses.push([blocks[i - 1]![1], blocks[i]![0]]);
  const ends = [...new Set(mine.map((d) => d.end))].filter((e) => blocks.some(([a, b]) => a < e && e < b));
  for (const e of ends) pauses.push([e, e]);
  pauses.sort((a, b) => a[0] - b[0]);
  // The longest stretch between consecutive handovers or block edges.
  const marks = [...new Set([...blocks.flat(), ...ends])].sort((a, b) => a - b);
  let longest = 0;
  for (let i = 1; i < marks.length; i++) {
    const [a, b] = [marks[i - 1]!, marks[i]!];
    if (blocks.some(([x, y]) => x <= a && b <= y)) longest = Math.max(longest, b - a);
  }
  return { shift: [blocks[0]![0], blocks.at(-1)![1]], pauses, stretchS: longest };
}
