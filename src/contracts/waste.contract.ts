/**
 * HTTP shapes of waste collection (issue #18, item 1): disposal sites (where waste trucks unload:
 * hours and a daily capacity) and a corridor's waste pickup requests (bags, estimated kg, category).
 */
import { z } from 'zod';
import { NEED_KIND_SPECS, WASTE_CATEGORIES } from '../domain/need-kinds';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'a time of day as HH:MM (24 h)' });

export const disposalSiteBody = z.strictObject({
  name: z.string().trim().min(1).max(120),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  opensAt: hhmm.nullable().default(null).describe('Opens at, HH:MM; null: any time'),
  closesAt: hhmm.nullable().default(null).describe('Closes at, HH:MM; null: any time'),
  capacityKg: z.number().positive().max(10_000_000).describe('What the site takes in a day, kg (over every truck and trip)'),
  unloadMinutes: z.int().min(0).max(240).default(15).describe('Minutes a truck spends unloading'),
}).refine((d) => !d.opensAt || !d.closesAt || d.closesAt > d.opensAt, { error: 'closesAt must be after opensAt', path: ['closesAt'] })
  .meta({ id: 'DisposalSiteInput', description: 'A new disposal site.' });

export const disposalSiteView = z.object({
  id: z.uuid(), name: z.string(), lat: z.number(), lon: z.number(), opensAt: z.string().nullable(), closesAt: z.string().nullable(),
  capacityKg: z.number(), unloadMinutes: z.int(), active: z.boolean(),
}).meta({ id: 'DisposalSite' });

/** The request's details are the need kind's own (waste_pickup in need-kinds.ts). */
export const wasteRequestBody = NEED_KIND_SPECS.waste_pickup.details.meta({
  id: 'WasteRequestInput', description: `Bags and estimated kg to collect from the corridor, and their category (${WASTE_CATEGORIES.join(', ')}). A request of the same category still open and not yet on a round is replaced.`,
});

export const corridorParams = z.strictObject({ corridorId: z.uuid() });

export const wasteRequestView = z.object({
  id: z.uuid(), corridorId: z.uuid(), communityId: z.uuid(), status: z.string(),
  bags: z.int(), estimatedKg: z.number(), category: z.enum(WASTE_CATEGORIES), notes: z.string().nullable(), createdAt: z.iso.datetime(),
}).meta({ id: 'WasteRequest' });

export const wasteScheduleParams = z.strictObject({ corridorId: z.uuid(), category: z.enum(WASTE_CATEGORIES) });

export const wasteScheduleBody = z.strictObject({
  bags: z.int().min(1).max(500),
  estimatedKg: z.number().min(0.5).max(5000),
  everyDays: z.int().min(1).max(30).describe('1: daily (e.g. corridors with positive households)'),
}).meta({ id: 'WasteScheduleInput', description: 'A recurring pickup of the corridor for this category: a waste round started on or after its due day opens the request.' });

export const wasteScheduleView = z.object({
  corridorId: z.uuid(), communityId: z.uuid(), category: z.enum(WASTE_CATEGORIES), bags: z.int(), estimatedKg: z.number(), everyDays: z.int(),
  nextDue: z.iso.date().describe('The day its next request opens'),
}).meta({ id: 'WasteSchedule' });

export const wasteRequestListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(500),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
