/** Receiving hours of a corridor gate (issue #14, item 5): when the unit chief takes deliveries there. */
import { z } from 'zod';
import { parseHhmm } from '../domain/gate-hours';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'a time of day as HH:MM (24 h)' });

/** Both ends as `HH:MM`; null: open at that end (both null: any time). */
export const gateHoursBody = z.strictObject({
  from: hhmm.nullable().describe('Opens at, HH:MM; null: from the start of the shift'),
  until: hhmm.nullable().describe('Closes at, HH:MM; null: until the end of the shift'),
}).refine((b) => b.from === null || b.until === null || parseHhmm(b.until)! > parseHhmm(b.from)!, { path: ['until'], error: 'until must be after from' });
export type GateHoursBody = z.output<typeof gateHoursBody>;

export const gateHoursView = z.strictObject({ corridorId: z.uuid(), from: z.string().nullable(), until: z.string().nullable() });
export type GateHoursView = z.output<typeof gateHoursView>;
