/**
 * Keeping the grid (issue #15, item 1): create, rename/move (PATCH) and retire areas, and import a
 * grid file (CSV or .xlsx, by Content-Type, streamed). Reads stay
 * in grid.routes.ts (an area and its children, my corridors).
 */
import { Router, type RequestHandler } from 'express';
import { changeAreaBody, createAreaBody } from '../../contracts/area.contract';
import { areaParams } from '../../contracts/intake.contract';
import { changeArea, createArea, retireArea } from '../../services/grid/area-admin.service';
import type { GridDeps } from '../../services/grid/grid.service';
import { actorOf, requestId } from '../auth';
import { householdImportQuery } from '../../contracts/household.contract';
import { importGrid, type GridImportLimits } from '../../services/grid/area-import.service';
import { answerUpload } from '../table-upload';
import { jsonBody, pathParams, queryParams } from '../validate';

export const AREA_PATHS = {
  areas: '/api/areas',
  area: '/api/areas/:areaId',
  retire: '/api/areas/:areaId/retire',
  import: '/api/areas/import',
} as const;

export function areaRoutes(svc: GridDeps, authenticated: RequestHandler, limits: GridImportLimits): Router {
  const router = Router();
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
    const { dryRun } = queryParams(req, householdImportQuery);
    await answerUpload(req, res, (format) => importGrid(svc, actorOf(res), { format, body: req, dryRun }, limits, reqIdOf(req)));
  });

  return router;
}
