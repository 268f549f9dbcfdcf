/**
 * Medical passes: hospitals, applications, status actions, reads, code verification (online, and
 * the public key for offline checks), drivers' passenger trips, and the pass report.
 */
import { Router, type RequestHandler } from 'express';
import { applyPassBody, communityParams, communityPassesQuery, driverParams, hospitalBody, householdParams, needParams, passActionBody, passActionParams, passFromNeedBody, passParams, reportQuery, verifyPassBody } from '../../contracts/pass.contract';
import { createAuditService } from '../../services/access/audit.service';
import { driverTransportTrips } from '../../services/passes/pass-trips.service';
import { passFromNeed } from '../../services/passes/pass-from-need.service';
import { actOnPass, applyForPass, communityPasses, householdPasses, readPass, type StatusAction } from '../../services/passes/pass.service';
import { passesReport } from '../../services/passes/pass-report.service';
import { verificationKey, verifyOnline } from '../../services/passes/pass-verify.service';
import { createHospital, hospitals } from '../../services/passes/hospital.service';
import { actorOf, requestId, requireRole } from '../auth';
import type { AppDeps } from '../deps';
import { idempotencyOf } from '../idempotency-key';
import { jsonBody, pathParams, queryParams } from '../validate';
import { sendWrite } from './needs.routes';
import type { PassKeys } from '../../domain/pass-code';
import { createLivePublisher } from '../../services/live-status/live.service';
import { createLiveStream } from '../../services/live-status/live-stream';
import { createPassAlerts, storeOnlyStream, type PassAlerts } from '../../services/passes/pass-alerts';
import { passKeys } from '../../services/passes/pass-keys';
import type { AuditService } from '../../services/access/audit.service';

/**
 * The services the pass and emergency routes share, built once per app: audit, the live publisher
 * (over the Redis stream when Redis is configured, else stored only, clients catch up) and the keys.
 */
export interface PassServices {
  db: AppDeps['db'];
  clock: AppDeps['clock'];
  audit: AuditService;
  alerts: PassAlerts;
  keys: PassKeys;
}

const built = new WeakMap<AppDeps, PassServices>();

export function passServices(deps: AppDeps): PassServices {
  let svc = built.get(deps);
  if (!svc) {
    // The app's publisher when given; else one of our own (typed over its own tables only).
    const stream = deps.redis ? createLiveStream(deps.redis) : storeOnlyStream;
    const publisher = deps.live ?? createLivePublisher({ db: deps.db, stream, clock: deps.clock, logger: deps.logger });
    svc = { db: deps.db, clock: deps.clock, audit: createAuditService(deps), alerts: createPassAlerts(publisher, deps.logger), keys: passKeys(deps.config) };
    built.set(deps, svc);
  }
  return svc;
}

export const PASS_PATHS = {
  hospitals: '/api/hospitals',
  householdPasses: '/api/households/:householdId/passes',
  communityPasses: '/api/communities/:communityId/passes',
  fromNeed: '/api/needs/:needId/pass',
  verificationKey: '/api/passes/verification-key',
  verify: '/api/passes/verify',
  pass: '/api/passes/:passId',
  action: '/api/passes/:passId/:action',
  driverTrips: '/api/drivers/:driverId/transport-trips',
  report: '/api/reports/passes',
} as const;

const ACTIONS: Record<(typeof passActionParams.shape.action.options)[number], StatusAction> = {
  review: 'review', approve: 'approve', refuse: 'refuse', issue: 'issue', 'outbound-done': 'outbound_done',
  'at-hospital': 'at_hospital', 'return-done': 'return_done', return: 'return', cancel: 'cancel',
};

export function passesRoutes(deps: AppDeps, authenticated: RequestHandler, applyLimit?: RequestHandler): Router {
  const router = Router();
  const svc = passServices(deps);
  const audit = createAuditService(deps);
  const rid = (req: Parameters<RequestHandler>[0]) => requestId(req);
  const limit: RequestHandler[] = applyLimit ? [applyLimit] : [];

  router.get(PASS_PATHS.hospitals, authenticated, async (_req, res) => {
    res.json({ hospitals: await hospitals(deps) });
  });
  router.post(PASS_PATHS.hospitals, authenticated, requireRole('admin', 'dispatcher'), async (req, res) => {
    const hospital = await createHospital(deps, jsonBody(req, hospitalBody));
    await audit.record({ actor: actorOf(res), action: 'hospital.create', subjectType: 'hospital', subjectId: hospital.id, outcome: 'allowed', reqId: rid(req) });
    res.status(201).json(hospital);
  });

  router.post(PASS_PATHS.householdPasses, authenticated, ...limit, async (req, res) => {
    const { householdId } = pathParams(req, householdParams);
    const body = jsonBody(req, applyPassBody);
    sendWrite(res, await applyForPass(svc, actorOf(res), householdId, body, rid(req), idempotencyOf(req, req.body)));
  });
  router.post(PASS_PATHS.fromNeed, authenticated, ...limit, async (req, res) => {
    const { needId } = pathParams(req, needParams);
    const body = jsonBody(req, passFromNeedBody);
    sendWrite(res, await passFromNeed(svc, actorOf(res), needId, body, rid(req), idempotencyOf(req, req.body)));
  });
  router.get(PASS_PATHS.householdPasses, authenticated, async (req, res) => {
    const { householdId } = pathParams(req, householdParams);
    res.json({ passes: await householdPasses(svc, actorOf(res), householdId, rid(req)) });
  });
  // Community staff's review queue and passes out, in one read (not one per household).
  router.get(PASS_PATHS.communityPasses, authenticated, async (req, res) => {
    const { communityId } = pathParams(req, communityParams);
    res.json({ passes: await communityPasses(svc, actorOf(res), communityId, queryParams(req, communityPassesQuery), rid(req)) });
  });

  // Public: checkpoint devices load it to verify codes offline; it cannot sign anything.
  router.get(PASS_PATHS.verificationKey, (_req, res) => {
    res.json(verificationKey(svc.keys));
  });
  router.post(PASS_PATHS.verify, authenticated, async (req, res) => {
    const { code } = jsonBody(req, verifyPassBody);
    res.json(await verifyOnline(svc, actorOf(res), code, rid(req)));
  });

  router.get(PASS_PATHS.pass, authenticated, async (req, res) => {
    const { passId } = pathParams(req, passParams);
    res.json(await readPass(svc, actorOf(res), passId, rid(req)));
  });
  router.post(PASS_PATHS.action, authenticated, async (req, res) => {
    const { passId, action } = pathParams(req, passActionParams);
    const body = req.body === undefined ? {} : jsonBody(req, passActionBody);
    res.json(await actOnPass(svc, actorOf(res), passId, ACTIONS[action], body, rid(req)));
  });

  router.get(PASS_PATHS.driverTrips, authenticated, async (req, res) => {
    const { driverId } = pathParams(req, driverParams);
    res.json({ trips: await driverTransportTrips(svc, actorOf(res), driverId, rid(req)) });
  });
  router.get(PASS_PATHS.report, authenticated, async (req, res) => {
    res.json({ days: await passesReport(svc, actorOf(res), queryParams(req, reportQuery), rid(req)) });
  });
  return router;
}
