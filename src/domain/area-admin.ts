/**
 * Keeping the grid (issue #15, item 1): what a new area and a change of one may say, the name key
 * an area is found by under its parent, and the outline an area may carry (a GeoJSON Polygon or
 * MultiPolygon). One schema of the fields serves the JSON API and the import.
 */
import { z } from 'zod';
import { AREA_KINDS } from './area';
import { addressKey } from './household-register';

export const AREA_NAME_MAX = 120;

/** The key an area is matched on under its parent: the address key's rule (migration 0021 computes the same). */
export const areaNameKey = addressKey;

export const areaFieldsShape = {
  name: z.string().trim().min(1, 'required').max(AREA_NAME_MAX, `at most ${AREA_NAME_MAX} characters`).describe('Unique among the parent’s areas in use (spacing and A-Z case folded)'),
  lat: z.number().min(-90).max(90).describe('Latitude (WGS 84)'),
  lon: z.number().min(-180).max(180).describe('Longitude (WGS 84)'),
};

export const createAreaSchema = z.strictObject({
  kind: z.enum(AREA_KINDS).describe('district > street > community > building > corridor; a corridor may also hang straight under its community'),
  name: areaFieldsShape.name,
  parentId: z.uuid().nullable().default(null).describe('The area above, of the right kind; null only for a district'),
  lat: areaFieldsShape.lat.nullable().default(null),
  lon: areaFieldsShape.lon.nullable().default(null),
});
export type CreateAreaInput = z.output<typeof createAreaSchema>;

/** A change names only what changes: `name` renames, `parentId` moves (to a parent of the right kind). */
export const changeAreaSchema = z
  .strictObject({
    name: areaFieldsShape.name.optional(),
    parentId: z.uuid().optional(),
    lat: areaFieldsShape.lat.nullable().optional(),
    lon: areaFieldsShape.lon.nullable().optional(),
  })
  .refine((c) => Object.keys(c).length > 0, { error: 'name at least one field to change' });
export type AreaChange = z.output<typeof changeAreaSchema>;

/** Most positions in one outline: a stairwell or a community needs tens, a district a few thousand. */
export const OUTLINE_MAX_POSITIONS = 20_000;

const position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)], { error: 'a position is [lon, lat]' }).rest(z.number());
const ring = z.array(position).min(4, 'a ring has at least 4 positions').refine((r) => {
  const [a, b] = [r[0], r[r.length - 1]];
  return a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1];
}, 'a ring ends where it starts');
const polygon = z.array(ring).min(1, 'a polygon has at least its outer ring');

/** A GeoJSON Polygon or MultiPolygon (RFC 7946), nothing else kept: the stored outline. */
export const outlineSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('Polygon'), coordinates: polygon }),
    z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(polygon).min(1) }),
  ], { error: 'expected a Polygon or MultiPolygon geometry' })
  .transform((g) => ({ type: g.type, coordinates: g.coordinates }) as Outline)
  .refine((g) => positionCount(g) <= OUTLINE_MAX_POSITIONS, `at most ${OUTLINE_MAX_POSITIONS} positions per outline`);

export type Outline = { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };

export function positionCount(g: Outline): number {
  const rings = g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
  return rings.reduce((n, r) => n + r.length, 0);
}

/** Most features in one outline upload. */
export const OUTLINE_MAX_FEATURES = 10_000;

/**
 * An outline upload: a GeoJSON FeatureCollection whose features name their area by `properties.id`
 * or by `properties.path` (names from the top, " / " between, as the grid file's parent column);
 * a null geometry clears the area's outline. Foreign members (bbox, crs, other properties) are
 * legal GeoJSON and ignored; only the geometry is stored.
 */
export const outlineUploadSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(z.object({
    type: z.literal('Feature'),
    properties: z.object({
      id: z.uuid().optional(),
      path: z.string().trim().min(1).max(1000).optional(),
    }).refine((p) => (p.id === undefined) !== (p.path === undefined), 'name the area by id or by path (one of them)'),
    geometry: outlineSchema.nullable(),
  })).min(1, 'at least one feature').max(OUTLINE_MAX_FEATURES, `at most ${OUTLINE_MAX_FEATURES} features`),
});
export type OutlineUpload = z.output<typeof outlineUploadSchema>;
