/**
 * Deliveries as the web app's people see them. GET /api/me/batches: the signed-in driver's batches
 * (their own driver record only), followed live in each `batch:<id>` scope. GET
 * /api/corridors/:corridorId/deliveries: what arrives at a gate, bags per household, for the
 * corridor's coordinator (and staff above them).
 */
import { Router, type RequestHandler } from 'express';
import { corridorParams } from '../../contracts/intake.contract';
import type { AuditService } from '../../services/audit.service';
import { driverBatches } from '../../services/driver-batches.service';
import { gateDeliveries } from '../../services/gate-deliveries.service';
import { AppError } from '../../shared/errors';
import type { Db } from '../../store/db';
import { actorOf, requireRole } from '../auth';
import { pathParams } from '../validate';

export function driverBatchRoutes(deps: { db: Db; audit: AuditService | undefined }, authenticated: RequestHandler): Router {
  const router = Router();
  router.get('/api/me/batches', authenticated, requireRole('driver'), async (_req, res) => {
    const driverId = actorOf(res).driverId;
    if (!driverId) throw new AppError('forbidden', 'this account has no driver record');
    res.json({ batches: await driverBatches(deps.db, driverId) });
  });
  router.get('/api/corridors/:corridorId/deliveries', authenticated, async (req, res) => {
    const { corridorId } = pathParams(req, corridorParams);
    res.json({ deliveries: await gateDeliveries(deps, actorOf(res), corridorId, String(req.id)) });
  });
  return router;
}
