/**
 * Keeping the grid (issue #15, item 1): create, rename/move (PATCH) and retire areas, and import a
 * grid file (CSV or .xlsx, by Content-Type, streamed) and area outlines (GeoJSON). Reads stay
 * in grid.routes.ts (an area and its children, my corridors).
 */
import express, { Router, type RequestHandler } from 'express';
import { changeAreaBody, createAreaBody, outlineUploadBody } from '../../contracts/area.contract';
import { setOutlines } from '../../services/grid/area-outline.service';
import { AppError } from '../../shared/errors';
import { areaParams } from '../../contracts/intake.contract';
import { changeArea, createArea, retireArea } from '../../services/grid/area-admin.service';
import type { GridDeps } from '../../services/grid/grid.service';
import { actorOf, requestId } from '../auth';
import { dryRunQuery } from '../../contracts/table-import.contract';
import { importGrid, type GridImportLimits } from '../../services/grid/area-import.service';
import { answerUpload } from '../table-upload';
import { jsonBody, parseOrThrow, pathParams, queryParams } from '../validate';

export const AREA_PATHS = {
  areas: '/api/areas',
  area: '/api/areas/:areaId',
  retire: '/api/areas/:areaId/retire',
  import: '/api/areas/import',
  outlines: '/api/areas/outlines',
} as const;

/** GeoJSON outlines come as application/geo+json (or application/json). */
export const OUTLINE_MEDIA_TYPES = ['application/geo+json', 'application/json'];

export function areaRoutes(svc: GridDeps, authenticated: RequestHandler, limits: GridImportLimits & { outlineMaxBytes: number }): Router {
  const router = Router();
  const geojson = express.json({ limit: limits.outlineMaxBytes, type: OUTLINE_MEDIA_TYPES });
  const reqIdOf = (req: Parameters<RequestHandler>[0]) => requestId(req) ?? undefined;

  router.post(AREA_PATHS.areas, authenticated, async (req, res) => {
    res.status(201).json(await createArea(svc, actorOf(res), jsonBody(req, createAreaBody), reqIdOf(req)));
  });

  router.patch(AREA_PATHS.area, authenticated, async (req, res) => {
    const { areaId } = pathParams(req, areaParams);
    res.json(await changeArea(svc, actorOf(res), areaId, jsonBody(req, changeAreaBody), reqIdOf(req)));
  });

  router.post(AREA_PATHS.retire, authenticated, async (req, res) => {
    const { areaId } = pathParams(req, areaParams);
    res.json(await retireArea(svc, actorOf(res), areaId, reqIdOf(req)));
  });

  // The body is read here, as a stream, by the import itself (no body parser before it).
  router.post(AREA_PATHS.import, authenticated, async (req, res) => {
    const { dryRun } = queryParams(req, dryRunQuery);
    await answerUpload(req, res, (format) => importGrid(svc, actorOf(res), { format, body: req, dryRun }, limits, reqIdOf(req)));
  });

  // Parsed here (the app's JSON parser skips this path): outlines are larger than other bodies.
  router.post(AREA_PATHS.outlines, authenticated, geojson, async (req, res) => {
    if (!req.is(OUTLINE_MEDIA_TYPES)) throw new AppError('unsupported_media_type', `send the outlines as ${OUTLINE_MEDIA_TYPES.join(' or ')}`);
    res.json(await setOutlines(svc, actorOf(res), parseOrThrow(outlineUploadBody, req.body, 'body'), reqIdOf(req)));
  });

  return router;
}
