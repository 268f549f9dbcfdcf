/**
 * HTTP shapes of the needs intake and the grid reads: request bodies and params (strict: unknown
 * fields refused) and responses. The OpenAPI document is generated from these.
 */
import { z } from 'zod';
import { AREA_KINDS } from '../domain/area';
import { INFECTION_STATUSES } from '../domain/household';
import { NEED_KINDS, URGENCIES, needInputSchema } from '../domain/need';
import { NEED_STATUSES } from '../domain/need-status';

export const householdParams = z.strictObject({ householdId: z.uuid() });
export const needParams = z.strictObject({ needId: z.uuid() });
export const corridorParams = z.strictObject({ corridorId: z.uuid() });
export const communityParams = z.strictObject({ communityId: z.uuid() });
export const areaParams = z.strictObject({ areaId: z.uuid() });

export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** Client-chosen key making a POST safe to retry: 8-128 characters of [A-Za-z0-9_.:-]. */
export const idempotencyKeyHeader = z.string().regex(/^[A-Za-z0-9_.:-]{8,128}$/, 'expected 8-128 characters of A-Z a-z 0-9 _ . : -');

export const createNeedBody = needInputSchema.meta({ id: 'NeedInput', description: 'One need: a kind and its details.' });
export const cancelNeedBody = z.strictObject({ reason: z.string().trim().min(1).max(300).optional() });

export const statusChangeView = z.object({
  from: z.enum(NEED_STATUSES).nullable(),
  to: z.enum(NEED_STATUSES),
  note: z.string().nullable(),
  actor: z.string(),
  at: z.iso.datetime(),
});

export const needView = z
  .object({
    id: z.uuid(),
    householdId: z.uuid().nullable()
      .describe('The household; null for a corridor’s own need (a waste pickup), which GET /api/needs/{needId} and its cancel can return'),
    kind: z.enum(NEED_KINDS),
    status: z.enum(NEED_STATUSES),
    urgency: z.enum(URGENCIES),
    priority: z.number().int(),
    cycle: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    /** True when medical fields were left out for this caller. */
    detailsRedacted: z.boolean(),
    failureReason: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    history: z.array(statusChangeView).optional(),
  })
  .meta({ id: 'Need' });
export type NeedView = z.infer<typeof needView>;

const foodCycleView = z.object({
  id: z.string().describe('Cycle id, as a food_package need names it (details.cycle)'),
  start: z.iso.datetime().describe('First instant of the cycle (00:00 UTC)'),
  end: z.iso.datetime().describe('First instant after it'),
});
export const foodCyclesResponse = z
  .object({ days: z.number().int().describe('Cycle length (FOOD_CYCLE_DAYS)'), current: foodCycleView, next: foodCycleView })
  .meta({ id: 'FoodCycles', description: 'The food cycles a food_package need may name now: the current one (the default) and the next.' });
export type FoodCyclesResponse = z.infer<typeof foodCyclesResponse>;

export const submitNeedResponse = z
  .object({ need: needView, merged: z.boolean().describe('true: an identical open need existed; this submission was merged into it') })
  .meta({ id: 'SubmitNeedResponse' });
export type SubmitNeedResponse = z.infer<typeof submitNeedResponse>;

export const needListResponse = z.object({ needs: z.array(needView) });

export const areaView = z
  .object({
    id: z.uuid(),
    kind: z.enum(AREA_KINDS),
    parentId: z.uuid().nullable(),
    communityId: z.uuid().nullable(),
    name: z.string(),
    controlStatus: z.string().describe('A configured control status code (GET /api/risk-map/settings)'),
    riskColour: z.string().describe('A configured risk level code (GET /api/risk-map/settings)'),
    lat: z.number().nullable(),
    lon: z.number().nullable(),
    retiredAt: z.iso.datetime().nullable().describe('When it was retired (kept with its history); null while in use'),
  })
  .meta({ id: 'Area' });

export const areaResponse = z.object({
  area: areaView,
  children: z.array(areaView),
  outline: z.object({ type: z.enum(['Polygon', 'MultiPolygon']), coordinates: z.array(z.unknown()) }).nullable().describe('The area’s outline (GeoJSON geometry), when one was uploaded'),
});
export const areaListResponse = z.object({ areas: z.array(areaView) });

export const householdView = z
  .object({
    id: z.uuid(),
    corridorId: z.uuid(),
    communityId: z.uuid(),
    address: z.string(),
    members: z.number().int(),
    elderlyAlone: z.boolean(),
    cannotCook: z.boolean(),
    chronicIllness: z.boolean(),
    infectionStatus: z.enum(INFECTION_STATUSES),
    protectiveHandling: z.boolean(),
    lat: z.number(),
    lon: z.number(),
  })
  .meta({ id: 'Household' });
export type HouseholdView = z.infer<typeof householdView>;
export const householdListResponse = z.object({ households: z.array(householdView) });

export const importRowError = z.object({ line: z.number().int(), column: z.string().nullable(), reason: z.string() });
export const importResponse = z
  .object({ imported: z.number().int(), merged: z.number().int(), needs: z.array(z.object({ line: z.number().int(), needId: z.uuid(), merged: z.boolean() })) })
  .meta({ id: 'ImportResult' });
export type ImportResponse = z.infer<typeof importResponse>;

export const problemDocument = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    /** The machine-readable code behind `type` (src/shared/errors.ts). */
    code: z.string(),
    errors: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string(), in: z.enum(['body', 'path', 'query', 'header']).optional() })).optional(),
    rows: z.array(importRowError).optional(),
  })
  .meta({ id: 'Problem' });
