/** Waste collection (issue #18, item 1): disposal sites and corridors' pickup requests. */
import { Router, type RequestHandler } from 'express';
import { corridorParams, disposalSiteBody, wasteRequestBody, wasteRequestListQuery, wasteScheduleBody, wasteScheduleParams } from '../../contracts/waste.contract';
import { createDisposalSite, disposalSites, openWasteRequests, requestWastePickup, type WasteDeps } from '../../services/waste/waste.service';
import { removeWasteSchedule, setWasteSchedule, wasteSchedules } from '../../services/waste/waste-schedule.service';
import { actorOf, requestId } from '../auth';
import { jsonBody, pathParams, queryParams } from '../validate';

export const WASTE_PATHS = {
  sites: '/api/disposal-sites',
  corridorRequests: '/api/corridors/:corridorId/waste-requests',
  requests: '/api/waste-requests',
  schedules: '/api/corridors/:corridorId/waste-schedules',
  schedule: '/api/corridors/:corridorId/waste-schedules/:category',
} as const;

export function wasteRoutes(deps: WasteDeps, authenticated: RequestHandler): Router {
  const router = Router();
  const reqIdOf = (req: Parameters<RequestHandler>[0]) => requestId(req) ?? undefined;

  router.get(WASTE_PATHS.sites, authenticated, async (req, res) => {
    res.json({ sites: await disposalSites(deps, actorOf(res), reqIdOf(req)) });
  });

  router.post(WASTE_PATHS.sites, authenticated, async (req, res) => {
    res.status(201).json(await createDisposalSite(deps, actorOf(res), jsonBody(req, disposalSiteBody), reqIdOf(req)));
  });

  router.post(WASTE_PATHS.corridorRequests, authenticated, async (req, res) => {
    const { corridorId } = pathParams(req, corridorParams);
    const { request, created } = await requestWastePickup(deps, actorOf(res), corridorId, jsonBody(req, wasteRequestBody), reqIdOf(req));
    res.status(created ? 201 : 200).json(request);
  });

  router.get(WASTE_PATHS.requests, authenticated, async (req, res) => {
    res.json({ requests: await openWasteRequests(deps, actorOf(res), queryParams(req, wasteRequestListQuery)) });
  });

  router.get(WASTE_PATHS.schedules, authenticated, async (req, res) => {
    const { corridorId } = pathParams(req, corridorParams);
    res.json({ schedules: await wasteSchedules(deps, actorOf(res), corridorId, reqIdOf(req)) });
  });

  router.put(WASTE_PATHS.schedule, authenticated, async (req, res) => {
    const { corridorId, category } = pathParams(req, wasteScheduleParams);
    res.json(await setWasteSchedule(deps, actorOf(res), corridorId, category, jsonBody(req, wasteScheduleBody), reqIdOf(req)));
  });

  router.delete(WASTE_PATHS.schedule, authenticated, async (req, res) => {
    const { corridorId, category } = pathParams(req, wasteScheduleParams);
    await removeWasteSchedule(deps, actorOf(res), corridorId, category, reqIdOf(req));
    res.status(204).end();
  });

  return router;
}
