/**
 * Vehicles changing hands at a shift change (issue #18, items 4 and 5): the handover before a trip
 * (read, handed over, accepted: PUT, once each; the phone replays its offline queue), a round's
 * crews for the desk, and the signed-in driver's day.
 */
import { Router, type RequestHandler } from 'express';
import { acceptHandoverBody, handOverBody, handoverParams } from '../../contracts/handover.contract';
import { roundParams } from '../../contracts/rounds.contract';
import { myDay, roundCrew } from '../../services/fleet/crew.service';
import { readHandover, recordHandover, type HandoverDeps } from '../../services/fleet/handover.service';
import { actorOf, requestId, requireRole } from '../auth';
import { jsonBody, pathParams } from '../validate';

export const HANDOVER_PATHS = {
  handover: '/api/rounds/:roundId/trips/:tripId/handover',
  acceptance: '/api/rounds/:roundId/trips/:tripId/handover/acceptance',
  crew: '/api/rounds/:roundId/crew',
  myDay: '/api/me/shifts',
} as const;

export function handoverRoutes(deps: HandoverDeps, authenticated: RequestHandler): Router {
  const router = Router();
  router.get(HANDOVER_PATHS.handover, authenticated, async (req, res) => {
    const { roundId, tripId } = pathParams(req, handoverParams);
    res.json(await readHandover(deps, actorOf(res), roundId, tripId, requestId(req) ?? undefined));
  });
  router.put(HANDOVER_PATHS.handover, authenticated, async (req, res) => {
    const { roundId, tripId } = pathParams(req, handoverParams);
    const body = jsonBody(req, handOverBody);
    res.json(await recordHandover(deps, actorOf(res), roundId, tripId, 'handed', { note: body.note, at: body.handedAt }, requestId(req) ?? undefined));
  });
  router.put(HANDOVER_PATHS.acceptance, authenticated, async (req, res) => {
    const { roundId, tripId } = pathParams(req, handoverParams);
    const body = jsonBody(req, acceptHandoverBody);
    res.json(await recordHandover(deps, actorOf(res), roundId, tripId, 'accepted', { at: body.acceptedAt }, requestId(req) ?? undefined));
  });
  router.get(HANDOVER_PATHS.crew, authenticated, async (req, res) => {
    const { roundId } = pathParams(req, roundParams);
    res.json(await roundCrew(deps, actorOf(res), roundId, requestId(req) ?? undefined));
  });
  router.get(HANDOVER_PATHS.myDay, authenticated, requireRole('driver'), async (_req, res) => {
    res.json(await myDay(deps, actorOf(res)));
  });
  return router;
}
