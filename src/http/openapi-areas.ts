/** OpenAPI entries of keeping the grid (areas.routes.ts). */
import { z } from 'zod';
import { changeAreaBody, createAreaBody, gridImportResult, outlineResult, outlineUploadBody } from '../contracts/area.contract';
import { householdImportQuery } from '../contracts/household.contract';
import { areaParams, areaView } from '../contracts/intake.contract';
import { errors, json, jsonBody, problem, type AddRoute } from './openapi-kit';
import { AREA_PATHS } from './routes/areas.routes';

const file = z.string().describe('The grid file (see the README, "The grid file")');

export function registerAreaRoutes(route: AddRoute): void {
  route('post', AREA_PATHS.areas, 'Create an area under a parent of the right kind (admins; community staff below community level in their communities); audited', {
    request: { body: jsonBody(createAreaBody) },
    responses: { 201: json(areaView, 'Created'), ...errors, 409: problem('The name is in use under that parent (`errors` names `name`)') },
  });
  route('patch', AREA_PATHS.area, 'Rename an area, move it to another parent of the right kind, or set its coordinates (admins; community staff in their communities); audited', {
    request: { params: areaParams, body: jsonBody(changeAreaBody) },
    responses: {
      200: json(areaView, 'Changed'), ...errors,
      409: problem('The name is in use under the parent (`name`), households live under an area moved to another community (`parentId`), or the area is retired'),
    },
  });
  route('post', AREA_PATHS.retire, 'Retire an area (admins): kept with its history, never deleted; refused while it holds areas in use, households or open needs', {
    request: { params: areaParams },
    responses: { 200: json(areaView, 'Retired'), ...errors, 409: problem('It still holds something (`holds`: activeChildren, households, openNeeds), or is retired already') },
  });
  route('post', AREA_PATHS.import,
    'Import a grid file (CSV or .xlsx, by Content-Type), streamed: one row per area (level, name, parent by name path or parent_id, lat, lon). '
    + 'Rows are matched to areas in use by parent and name: a re-import updates coordinates, never duplicates; parents may come earlier in the same file. '
    + 'All or nothing per file (one refused row and nothing is written; `rows` lists line, column and reason). dryRun=true answers what would be created, updated and refused, writing nothing.', {
      request: {
        query: householdImportQuery,
        body: { content: { 'text/csv': { schema: file }, 'application/csv': { schema: file }, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: file } } },
      },
      responses: {
        200: json(gridImportResult, 'Imported (or, dry run, what would be)'), ...errors,
        409: problem('Another grid write added an area of a name the file creates while it was read: send it again'),
        422: problem('Refused, nothing written: `rows` lists line, column and reason of each problem'),
      },
    });
  route('post', AREA_PATHS.outlines, 'Store area outlines from a GeoJSON FeatureCollection (admins; community staff for areas in their communities); all or nothing, each outline audited', {
    request: { body: { content: { 'application/geo+json': { schema: outlineUploadBody }, 'application/json': { schema: outlineUploadBody } } } },
    responses: { 200: json(outlineResult, 'Stored'), ...errors, 413: problem('Larger than GRID_OUTLINE_MAX_BYTES') },
  });
}
