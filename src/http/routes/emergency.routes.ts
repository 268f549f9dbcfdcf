/** The emergency channel: raise (accepted at once), read, report done, review, and the report. */
import { Router, type RequestHandler } from 'express';
import { emergencyBody, emergencyParams, emergencyReviewBody, householdParams, reportQuery, reviewListQuery } from '../../contracts/pass.contract';
import { completeEmergency, openReviews, readEmergency, reviewEmergency } from '../../services/emergency/emergency-case.service';
import { raiseEmergency, type EmergencyDeps } from '../../services/emergency/emergency.service';
import { emergenciesReport } from '../../services/passes/pass-report.service';
import { insertUrgentAndNotify } from '../../services/deliveries/driver-events';
import { actorOf, requestId } from '../auth';
import type { AppDeps } from '../deps';
import { idempotencyOf } from '../idempotency-key';
import { jsonBody, pathParams, queryParams } from '../validate';
import { sendWrite } from './needs.routes';
import { withPriority } from '../../shared/priority';
import { passServices } from './passes.routes';

export const EMERGENCY_PATHS = {
  raise: '/api/households/:householdId/emergencies',
  emergency: '/api/emergencies/:emergencyId',
  done: '/api/emergencies/:emergencyId/done',
  review: '/api/emergencies/:emergencyId/review',
  reviews: '/api/emergency-reviews',
  report: '/api/reports/emergencies',
} as const;

/**
 * Before authentication (a database read too): a raise, the dispatcher following the case and the
 * driver's done get pooled connections before the requests already waiting (store/priority-pool.ts).
 */
const urgent: RequestHandler = (_req, _res, next) => withPriority('urgent', next);

export function emergencyRoutes(deps: AppDeps, authenticated: RequestHandler): Router {
  const router = Router();
  // An urgent stop put into a driver's trip reaches the driver's page at once (driver:<id> scope).
  const notify = { db: deps.db, publisher: deps.live };
  const svc: EmergencyDeps = { ...passServices(deps), urgentInsert: (needId) => insertUrgentAndNotify(notify, needId) };

  // No rate limit of the intake kind here: an emergency is never turned away for being one too many.
  router.post(EMERGENCY_PATHS.raise, urgent, authenticated, async (req, res) => {
    const { householdId } = pathParams(req, householdParams);
    const body = jsonBody(req, emergencyBody);
    sendWrite(res, await raiseEmergency(svc, actorOf(res), householdId, body, requestId(req), idempotencyOf(req, req.body)));
  });
  router.get(EMERGENCY_PATHS.reviews, authenticated, async (req, res) => {
    const { communityId } = queryParams(req, reviewListQuery);
    res.json({ cases: await openReviews(svc, actorOf(res), communityId, requestId(req)) });
  });
  router.get(EMERGENCY_PATHS.report, authenticated, async (req, res) => {
    res.json({ days: await emergenciesReport(svc, actorOf(res), queryParams(req, reportQuery), requestId(req)) });
  });
  router.get(EMERGENCY_PATHS.emergency, urgent, authenticated, async (req, res) => {
    const { emergencyId } = pathParams(req, emergencyParams);
    res.json(await readEmergency(svc, actorOf(res), emergencyId, requestId(req)));
  });
  router.post(EMERGENCY_PATHS.done, urgent, authenticated, async (req, res) => {
    const { emergencyId } = pathParams(req, emergencyParams);
    res.json(await completeEmergency(svc, actorOf(res), emergencyId, requestId(req)));
  });
  router.post(EMERGENCY_PATHS.review, authenticated, async (req, res) => {
    const { emergencyId } = pathParams(req, emergencyParams);
    const { outcome } = jsonBody(req, emergencyReviewBody);
    res.json(await reviewEmergency(svc, actorOf(res), emergencyId, outcome, requestId(req)));
  });
  return router;
}
