/**
 * Deliveries as the web app's people see them. GET /api/me/batches: the signed-in driver's batches
 * (their own driver record only), followed live in each `batch:<id>` scope. GET
 * /api/corridors/:corridorId/deliveries: what arrives at a gate, bags per household, and the
 * corridor's waste pickups, for the corridor's coordinator (and staff above them), who confirms
 * each stop's handover with the driver's code or fails a household's door with a reason. GET
 * /api/households/:householdId/deliveries: a household's next deliveries (planned time, gate window,
 * the van's ETA once on its way), for its residents and whoever may read the household.
 */
import { Router, type RequestHandler } from 'express';
import { corridorParams, householdParams } from '../../contracts/intake.contract';
import { checkOffBody, gateHouseholdParams, gateStopParams, handoffBody, householdFailedBody } from '../../contracts/handoff.contract';
import { checkedAtStop, checkOffDoor } from '../../services/deliveries/gate-checkoff.service';
import { confirmHandoff, failHousehold, type HandoffDeps } from '../../services/deliveries/gate-handoff.service';
import { driverBatches } from '../../services/deliveries/driver-batches.service';
import { gateView } from '../../services/deliveries/gate-deliveries.service';
import { householdDeliveries } from '../../services/deliveries/household-deliveries.service';
import { AppError } from '../../shared/errors';
import { actorOf, requireRole } from '../auth';
import { jsonBody, pathParams } from '../validate';

export const GATE_PATHS = {
  handoff: '/api/corridors/:corridorId/deliveries/:stopId/handoff',
  householdFailed: '/api/corridors/:corridorId/deliveries/:stopId/households/:householdId/failed',
  checkOff: '/api/corridors/:corridorId/deliveries/:stopId/households/:householdId/check-off',
  household: '/api/households/:householdId/deliveries',
} as const;

export function driverBatchRoutes(deps: HandoffDeps, authenticated: RequestHandler): Router {
  const router = Router();
  router.get('/api/me/batches', authenticated, requireRole('driver'), async (_req, res) => {
    const driverId = actorOf(res).driverId;
    if (!driverId) throw new AppError('forbidden', 'this account has no driver record');
    res.json({ batches: await driverBatches(deps.db, driverId) });
  });
  router.get('/api/corridors/:corridorId/deliveries', authenticated, async (req, res) => {
    const { corridorId } = pathParams(req, corridorParams);
    res.json(await gateView(deps, actorOf(res), corridorId, String(req.id)));
  });
  router.get(GATE_PATHS.household, authenticated, async (req, res) => {
    const { householdId } = pathParams(req, householdParams);
    res.json(await householdDeliveries(deps, actorOf(res), householdId, String(req.id)));
  });
  router.post(GATE_PATHS.handoff, authenticated, async (req, res) => {
    const { corridorId, stopId } = pathParams(req, gateStopParams);
    const { code } = jsonBody(req, handoffBody);
    const confirmed = await confirmHandoff(deps, actorOf(res), corridorId, stopId, code, String(req.id));
    res.json({ ...confirmed, checked: await checkedAtStop(deps, stopId) });
  });
  // Idempotent: the chief's phone replays its offline queue, and the same tick again changes nothing.
  router.put(GATE_PATHS.checkOff, authenticated, async (req, res) => {
    const { corridorId, stopId, householdId } = pathParams(req, gateHouseholdParams);
    res.json(await checkOffDoor(deps, actorOf(res), corridorId, stopId, householdId, jsonBody(req, checkOffBody), String(req.id)));
  });
  router.post(GATE_PATHS.householdFailed, authenticated, async (req, res) => {
    const { corridorId, stopId, householdId } = pathParams(req, gateHouseholdParams);
    const { reason } = jsonBody(req, householdFailedBody);
    res.json(await failHousehold(deps, actorOf(res), corridorId, stopId, householdId, reason, String(req.id)));
  });
  return router;
}
