/**
 * HTTP shapes of driver shifts (issue #18, item 3): a depot's shift templates and the roster that
 * puts drivers on them for dates.
 */
import { z } from 'zod';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'a time of day as HH:MM (24 h)' });
const date = z.iso.date();

export const shiftTemplateBody = z.strictObject({
  name: z.string().trim().min(1).max(60).describe('e.g. "Day", "Night"'),
  startsAt: hhmm.describe('Local start, HH:MM (read in ROSTER_TIME_ZONE)'),
  lengthMinutes: z.int().min(30).max(1440).describe('e.g. 480 for 8 h; a shift may run past midnight'),
}).meta({ id: 'ShiftTemplateInput', description: 'A shift of the depot, every day (3 x 8 h: 06:00, 14:00, 22:00; or 2 x 12 h).' });

export const shiftTemplateChange = z.strictObject({
  name: z.string().trim().min(1).max(60).optional(),
  startsAt: hhmm.optional(),
  lengthMinutes: z.int().min(30).max(1440).optional(),
}).refine((b) => Object.keys(b).length > 0, { error: 'at least one field' }).meta({ id: 'ShiftTemplateChange', description: 'The fields that change; start and length only while no driver is rostered on it from today on.' });

export const shiftTemplateView = z.object({
  id: z.uuid(), depotId: z.uuid(), name: z.string(), startsAt: z.string(), lengthMinutes: z.int(), timeZone: z.string(),
}).meta({ id: 'ShiftTemplate' });

export const depotTemplateParams = z.strictObject({ depotId: z.uuid() });
export const templateParams = z.strictObject({ templateId: z.uuid() });
export const templateListQuery = z.strictObject({ depotId: z.uuid().optional().describe('Only this depot’s') });

export const rosterBody = z.strictObject({
  driverId: z.uuid(),
  templateId: z.uuid().describe('A shift template of the driver’s depot'),
  from: date.describe('First date (the local date the shift starts on)'),
  until: date.optional().describe('Last date, at most 31 days on; absent: every day from `from` on, until removed (a standing entry)'),
  vehicleId: z.uuid().nullable().default(null).describe('The vehicle the driver should take (of the depot; its licence class held); null: the planner chooses'),
}).refine((b) => !b.until || b.until >= b.from, { error: 'until must not be before from', path: ['until'] })
  .meta({ id: 'RosterInput', description: 'A driver on a shift for each date of a range, or every day from a date on (no `until`): all or nothing; a date already rostered for that driver and shift is kept.' });

export const rosterParams = z.strictObject({ shiftId: z.uuid() });
export const rosterListQuery = z.strictObject({
  depotId: z.uuid().optional(),
  from: date, until: date.optional().describe('Default: `from`'),
});

export const rosterShiftView = z.object({
  id: z.uuid(), driverId: z.uuid(), driverName: z.string(), templateId: z.uuid(), templateName: z.string(), depotId: z.uuid(),
  date: z.iso.date(), startsAt: z.iso.datetime(), endsAt: z.iso.datetime(),
  vehicleId: z.uuid().nullable(), vehicleLabel: z.string().nullable().describe('"Van 1 (沪A·12345)"'),
  standing: z.boolean().describe('From a standing entry (every day, until removed): its id is the entry’s, and DELETE /api/roster/{id} ends it'),
}).meta({ id: 'RosterShift' });
