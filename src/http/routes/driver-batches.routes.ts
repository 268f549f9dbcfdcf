/**
 * GET /api/me/batches: the signed-in driver's batches (their own driver record only), which the
 * driver page shows and then follows live in each `batch:<id>` scope.
 */
import { Router, type RequestHandler } from 'express';
import { driverBatches } from '../../services/driver-batches.service';
import { AppError } from '../../shared/errors';
import type { Db } from '../../store/db';
import { actorOf, requireRole } from '../auth';

export function driverBatchRoutes(deps: { db: Db }, authenticated: RequestHandler): Router {
  const router = Router();
  router.get('/api/me/batches', authenticated, requireRole('driver'), async (_req, res) => {
    const driverId = actorOf(res).driverId;
    if (!driverId) throw new AppError('forbidden', 'this account has no driver record');
    res.json({ batches: await driverBatches(deps.db, driverId) });
  });
  return router;
}
