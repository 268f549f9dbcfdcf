/**
 * HTTP shapes of the chain of custody of epidemic waste (issue #18, item 2): the crew's pickup at a
 * stop (bags and kg), the weight at the disposal site per trip, and the vehicle's disinfection after
 * the trip. Each is one record per stop or trip, written with PUT: the driver's phone replays its
 * offline queue, and the same record again is answered from what is stored.
 */
import { z } from 'zod';
import { isoDateTime } from '../domain/dates';

const tripId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);

export const custodyStopParams = z.strictObject({ roundId: z.uuid(), stopId: z.string().regex(/^\d{1,18}$/, { error: 'a stop id' }) });
export const custodyTripParams = z.strictObject({ roundId: z.uuid(), tripId });

const when = (what: string) => isoDateTime().optional().describe(`When ${what}, as the phone saw it; default: when the server receives it`);

export const wastePickupBody = z.strictObject({
  bags: z.int().min(0).max(1000),
  kg: z.number().min(0).max(20_000).describe('As weighed by the crew at the gate'),
  pickedAt: when('the bags were taken'),
}).meta({ id: 'WastePickupInput', description: 'What the crew took at the stop. Corrected by sending it again until the trip is unloaded; then final.' });

export const wasteUnloadBody = z.strictObject({
  kg: z.number().min(0).max(50_000).describe('As weighed at the disposal site'),
  unloadedAt: when('the truck was weighed at the site'),
}).meta({ id: 'WasteUnloadInput', description: 'The trip\'s weight at the disposal site, compared with the sum of its pickups. Final once recorded.' });

export const disinfectionBody = z.strictObject({
  agent: z.string().trim().min(1).max(120).describe('The disinfectant and its strength (e.g. "chlorine 1000 mg/L")'),
  disinfectedAt: when('the vehicle was disinfected'),
}).meta({ id: 'DisinfectionInput', description: 'The vehicle\'s disinfection after this waste trip. Final once recorded.' });

export const wastePickupView = z.object({
  roundId: z.uuid(), stopId: z.string(), tripId: z.string(), bags: z.int(), kg: z.number(), pickedAt: z.iso.datetime(), recordedBy: z.string(),
}).meta({ id: 'WastePickup' });

export const wasteUnloadView = z.object({
  roundId: z.uuid(), tripId: z.string(), siteId: z.uuid().nullable(), kg: z.number(),
  pickedKg: z.number().describe('The trip\'s pickups summed when the unload was recorded'),
  discrepancy: z.number().nullable().describe('|picked - unloaded| / picked; null: something was unloaded with no pickup recorded'),
  flagged: z.boolean().describe('The discrepancy exceeds WASTE_WEIGHT_TOLERANCE (or is null): the dispatch desk was told'),
  unloadedAt: z.iso.datetime(), recordedBy: z.string(),
}).meta({ id: 'WasteUnload' });

export const disinfectionView = z.object({
  roundId: z.uuid(), tripId: z.string(), vehicleId: z.uuid(), agent: z.string(), disinfectedAt: z.iso.datetime(), recordedBy: z.string(),
}).meta({ id: 'Disinfection' });

/** `replayed`: the same record was already stored (nothing changed). */
export const recorded = <T extends z.ZodType>(view: T) => z.object({ record: view, replayed: z.boolean() });
