/**
 * Keeping the grid (issue #15, item 1): create, rename/move (PATCH) and retire areas. Reads stay
 * in grid.routes.ts (an area and its children, my corridors).
 */
import { Router, type RequestHandler } from 'express';
import { changeAreaBody, createAreaBody } from '../../contracts/area.contract';
import { areaParams } from '../../contracts/intake.contract';
import { changeArea, createArea, retireArea } from '../../services/grid/area-admin.service';
import type { GridDeps } from '../../services/grid/grid.service';
import { actorOf, requestId } from '../auth';
import { jsonBody, pathParams } from '../validate';

export const AREA_PATHS = {
  areas: '/api/areas',
  area: '/api/areas/:areaId',
  retire: '/api/areas/:areaId/retire',
} as const;

export function areaRoutes(svc: GridDeps, authenticated: RequestHandler): Router {
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

  return router;
}
