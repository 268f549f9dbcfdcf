/**
 * The driver's "left the depot" report (issue #19, item 2): one per trip, written with PUT, so the
 * phone can replay its offline queue and the same report again is answered from what is stored.
 */
import { z } from 'zod';
import { isoDateTime } from '../domain/dates';

export const departureParams = z.strictObject({ roundId: z.uuid(), tripId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/) });

export const departureBody = z.strictObject({
  departedAt: isoDateTime().optional().describe('When the van left, as the phone saw it (a report queued offline is sent later); default: when the server receives it'),
}).meta({ id: 'DepartureInput', description: 'The van left the depot on this trip. Set once: a later report answers the stored one.' });

export const departureView = z.object({
  roundId: z.uuid(),
  tripId: z.string(),
  batchId: z.string(),
  departedAt: z.iso.datetime(),
}).meta({ id: 'Departure' });

/** `replayed`: the departure was already stored (nothing changed, nothing sent again). */
export const departureRecorded = z.object({ departure: departureView, replayed: z.boolean() });
export type DepartureRecorded = z.input<typeof departureRecorded>;
