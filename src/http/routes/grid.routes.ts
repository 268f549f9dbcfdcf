/** Grid reads for staff (an area and its children, my corridors, households of a corridor or community) and a gate's receiving hours. */
import { Router, type RequestHandler } from 'express';
import { areaParams, communityParams, corridorParams, householdParams, pageQuery } from '../../contracts/intake.contract';
import { getArea, getHousehold, listDistricts, listCommunityHouseholds, listCorridorHouseholds, listMyCorridors, type GridDeps } from '../../services/grid/grid.service';
import { gateHoursBody } from '../../contracts/gate-hours.contract';
import { areaReadQuery } from '../../contracts/area.contract';
import { setGateHours } from '../../services/grid/gate-hours.service';
import { actorOf, requestId } from '../auth';
import { jsonBody, pathParams, queryParams } from '../validate';

export const GRID_PATHS = {
  districts: '/api/areas',
  area: '/api/areas/:areaId',
  corridors: '/api/corridors',
  corridorHouseholds: '/api/corridors/:corridorId/households',
  communityHouseholds: '/api/communities/:communityId/households',
  household: '/api/households/:householdId',
  corridorHours: '/api/corridors/:corridorId/receiving-hours',
} as const;

export function gridRoutes(svc: GridDeps, authenticated: RequestHandler): Router {
  const router = Router();
  const reqIdOf = (req: Parameters<RequestHandler>[0]) => requestId(req) ?? undefined;

  router.get(GRID_PATHS.area, authenticated, async (req, res) => {
    const { areaId } = pathParams(req, areaParams);
    const { includeRetired } = queryParams(req, areaReadQuery);
    res.json(await getArea(svc, actorOf(res), areaId, reqIdOf(req), includeRetired));
  });

  router.get(GRID_PATHS.districts, authenticated, async (req, res) => {
    res.json({ areas: await listDistricts(svc, actorOf(res), reqIdOf(req)) });
  });

  router.get(GRID_PATHS.corridors, authenticated, async (req, res) => {
    res.json({ areas: await listMyCorridors(svc, actorOf(res), reqIdOf(req)) });
  });

  router.get(GRID_PATHS.corridorHouseholds, authenticated, async (req, res) => {
    const { corridorId } = pathParams(req, corridorParams);
    const page = queryParams(req, pageQuery);
    res.json({ households: await listCorridorHouseholds(svc, actorOf(res), corridorId, page, reqIdOf(req)) });
  });

  router.get(GRID_PATHS.communityHouseholds, authenticated, async (req, res) => {
    const { communityId } = pathParams(req, communityParams);
    const page = queryParams(req, pageQuery);
    res.json({ households: await listCommunityHouseholds(svc, actorOf(res), communityId, page, reqIdOf(req)) });
  });

  router.get(GRID_PATHS.household, authenticated, async (req, res) => {
    const { householdId } = pathParams(req, householdParams);
    res.json(await getHousehold(svc, actorOf(res), householdId, reqIdOf(req)));
  });

  // A coordinator of the corridor or an admin sets when its gate receives (HH:MM, null: open).
  router.put(GRID_PATHS.corridorHours, authenticated, async (req, res) => {
    const { corridorId } = pathParams(req, corridorParams);
    res.json(await setGateHours(svc, actorOf(res), corridorId, jsonBody(req, gateHoursBody), reqIdOf(req)));
  });

  return router;
}
