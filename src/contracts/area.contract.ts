/**
 * HTTP shapes of keeping the grid (issue #15, item 1): create, change, retire. Bodies are the
 * domain's strict schemas (src/domain/area-admin.ts); answers are the grid's Area view.
 */
import { z } from 'zod';
import { changeAreaSchema, createAreaSchema, outlineUploadSchema } from '../domain/area-admin';
import { tableImportResult } from './table-import.contract';

export const createAreaBody = createAreaSchema.meta({ id: 'AreaInput', description: 'A new area under a parent of the right kind (null for a district).' });
export const changeAreaBody = changeAreaSchema.meta({ id: 'AreaChange', description: 'What changes (at least one): name renames, parentId moves, lat/lon set the coordinates.' });

export const areaReadQuery = z.strictObject({
  includeRetired: z.enum(['true', 'false']).transform((v) => v === 'true').default(false).describe('true: list retired children too'),
});

/** The grid import answers what every table import does (updated: areas whose coordinates the file changes). */
export const gridImportResult = tableImportResult.meta({ id: 'GridImportResult' });

export const outlineUploadBody = outlineUploadSchema.meta({ id: 'AreaOutlines', description: 'A GeoJSON FeatureCollection: each feature names its area (properties.id or properties.path) and gives a Polygon or MultiPolygon (null clears it).' });
export const outlineResult = z.object({ updated: z.number().int(), cleared: z.number().int() }).meta({ id: 'AreaOutlinesResult' });
