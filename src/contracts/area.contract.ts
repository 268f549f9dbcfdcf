/**
 * HTTP shapes of keeping the grid (issue #15, item 1): create, change, retire. Bodies are the
 * domain's strict schemas (src/domain/area-admin.ts); answers are the grid's Area view.
 */
import { z } from 'zod';
import { changeAreaSchema, createAreaSchema, outlineUploadSchema } from '../domain/area-admin';
import { importRowError } from './intake.contract';

export const createAreaBody = createAreaSchema.meta({ id: 'AreaInput', description: 'A new area under a parent of the right kind (null for a district).' });
export const changeAreaBody = changeAreaSchema.meta({ id: 'AreaChange', description: 'What changes (at least one): name renames, parentId moves, lat/lon set the coordinates.' });

export const areaReadQuery = z.strictObject({
  includeRetired: z.enum(['true', 'false']).transform((v) => v === 'true').default(false).describe('true: list retired children too'),
});

export const gridImportResult = z
  .object({
    dryRun: z.boolean(),
    /** Data rows read. */
    rows: z.number().int(),
    created: z.number().int(),
    /** Areas whose coordinates the file changes. */
    updated: z.number().int(),
    /** Rows naming an area in use that already holds those values. */
    unchanged: z.number().int(),
    /** Rows refused (dry run only: a real import with any refused row answers 422 and writes nothing). */
    refused: z.number().int(),
    /** Dry run: the refused rows (line, column, reason), at most 500. */
    problems: z.array(importRowError),
  })
  .meta({ id: 'GridImportResult' });

export const outlineUploadBody = outlineUploadSchema.meta({ id: 'AreaOutlines', description: 'A GeoJSON FeatureCollection: each feature names its area (properties.id or properties.path) and gives a Polygon or MultiPolygon (null clears it).' });
export const outlineResult = z.object({ updated: z.number().int(), cleared: z.number().int() }).meta({ id: 'AreaOutlinesResult' });
