/**
 * The driver's "left the depot" report (issue #19, item 2): PUT, once per trip; the same report
 * again is answered from what is stored (the driver's phone replays its offline queue).
 */
import { Router, type RequestHandler } from 'express';
import { departureBody, departureParams } from '../../contracts/departure.contract';
import { recordTripDeparture, type DepartureDeps } from '../../services/deliveries/trip-departure.service';
import { actorOf, requestId } from '../auth';
import { jsonBody, pathParams } from '../validate';

export const DEPARTURE_PATH = '/api/rounds/:roundId/trips/:tripId/departure';

export function tripDepartureRoutes(deps: DepartureDeps, authenticated: RequestHandler): Router {
  const router = Router();
  router.put(DEPARTURE_PATH, authenticated, async (req, res) => {
    const { roundId, tripId } = pathParams(req, departureParams);
    res.json(await recordTripDeparture(deps, actorOf(res), roundId, tripId, jsonBody(req, departureBody), requestId(req) ?? undefined));
  });
  return router;
}
