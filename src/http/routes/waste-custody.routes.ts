/**
 * Custody of epidemic waste (issue #18, item 2): the crew's pickup at a stop, the weight at the
 * disposal site and the vehicle's disinfection after the trip. PUT: one record per stop or trip,
 * the same again changes nothing (the driver's phone replays its offline queue).
 */
import { Router, type RequestHandler } from 'express';
import { custodyStopParams, custodyTripParams, disinfectionBody, wastePickupBody, wasteUnloadBody } from '../../contracts/waste-custody.contract';
import { recordDisinfection, recordPickup, recordUnload, type CustodyDeps } from '../../services/waste/waste-custody.service';
import { actorOf, requestId } from '../auth';
import { jsonBody, pathParams } from '../validate';

export const CUSTODY_PATHS = {
  pickup: '/api/rounds/:roundId/stops/:stopId/waste-pickup',
  unload: '/api/rounds/:roundId/trips/:tripId/waste-unload',
  disinfection: '/api/rounds/:roundId/trips/:tripId/disinfection',
} as const;

export function wasteCustodyRoutes(deps: CustodyDeps, authenticated: RequestHandler): Router {
  const router = Router();
  const reqIdOf = (req: Parameters<RequestHandler>[0]) => requestId(req) ?? undefined;

  router.put(CUSTODY_PATHS.pickup, authenticated, async (req, res) => {
    const { roundId, stopId } = pathParams(req, custodyStopParams);
    res.json(await recordPickup(deps, actorOf(res), roundId, stopId, jsonBody(req, wastePickupBody), reqIdOf(req)));
  });

  router.put(CUSTODY_PATHS.unload, authenticated, async (req, res) => {
    const { roundId, tripId } = pathParams(req, custodyTripParams);
    res.json(await recordUnload(deps, actorOf(res), roundId, tripId, jsonBody(req, wasteUnloadBody), reqIdOf(req)));
  });

  router.put(CUSTODY_PATHS.disinfection, authenticated, async (req, res) => {
    const { roundId, tripId } = pathParams(req, custodyTripParams);
    res.json(await recordDisinfection(deps, actorOf(res), roundId, tripId, jsonBody(req, disinfectionBody), reqIdOf(req)));
  });

  return router;
}
