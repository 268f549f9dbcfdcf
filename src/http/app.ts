/**
 * The Express application, without `listen`: main.ts and the tests each decide where it serves.
 * Order: request id + logger, health, body parsing (size-limited), routes, 404, one error handler.
 */
import { join } from 'node:path';
import express, { type Express, type RequestHandler } from 'express';
import { createAuditService } from '../services/access/audit.service';
import { createAuthService } from '../services/access/auth.service';
import { createIntakeDeps } from '../services/needs/intake.service';
import { withLiveRevocation } from '../services/live-status/live-revocation';
import { requireAuth } from './auth';
import type { AppDeps } from './deps';
import { buildOpenApiDocument } from './openapi';
import { errorHandler, notFoundHandler } from './problem';
import { operationPolicy } from './operation-policy';
import { requestLog } from './request-log';
import { crossSiteGuard } from './cross-site';
import { securityHeaders } from './security-headers';
import { refuseHostileBody, refuseHostileUrl } from './text-guard';
import { intakeRateLimit } from './rate-limit';
import { authRoutes } from './routes/auth.routes';
import { accountRoutes } from './routes/accounts.routes';
import { gridRoutes } from './routes/grid.routes';
import { AREA_PATHS, areaRoutes } from './routes/areas.routes';
import { householdRoutes } from './routes/households.routes';
import { exportRoutes } from './routes/exports.routes';
import { riskMapRoutes } from './routes/risk-map.routes';
import { fleetRoutes } from './routes/fleet.routes';
import { healthRoutes } from './routes/health.routes';
import { opsRoutes } from './routes/ops.routes';
import { createApiOps, registryExposition } from './ops';
import { httpMetrics } from './http-metrics';
import { mountQueueDashboard } from './queue-dashboard';
import { needsImportRoutes } from './routes/needs-import.routes';
import { needsRoutes } from './routes/needs.routes';
import { emergencyRoutes } from './routes/emergency.routes';
import { passesRoutes, passServices } from './routes/passes.routes';
import { roundsRoutes } from './routes/rounds.routes';
import { roundDeskRoutes } from './routes/round-desk.routes';
import { overviewRoutes } from './routes/overview.routes';
import { stockRoutes } from './routes/stock.routes';
import { procurementRoutes } from './routes/procurement.routes';
import { createProducers } from '../queue/producers';
import { webRoutes } from './web';
import { driverBatchRoutes } from './routes/driver-batches.routes';
import { gatePhotoRoutes } from './routes/gate-photos.routes';
import { localPhotoStore } from '../services/deliveries/gate-photo.service';
import { webhookRoutes } from './routes/webhooks.routes';
import { wasteRoutes } from './routes/waste.routes';
import { rosterRoutes } from './routes/roster.routes';
import { driverLimitsOf } from '../services/fleet/roster-settings';
import { wasteCustodyRoutes } from './routes/waste-custody.routes';
import { parseAllowHosts } from '../services/webhooks/webhook-target';
import { noticeRoutes } from './routes/notices.routes';
import { tripDepartureRoutes } from './routes/trip-departure.routes';
import { handoverRoutes } from './routes/handover.routes';
import { noticeSettingsFrom } from '../services/notices/notice-settings';

/** Probes and scrapes every few seconds would drown the log. */
const PROBES: ReadonlySet<string> = new Set(['/health', '/healthz', '/readyz', '/metrics']);

export function buildApp(deps: AppDeps): Express {
  const { config, logger } = deps;
  const ops = deps.ops ?? createApiOps(deps);
  const app = express();
  app.disable('x-powered-by');
  // No ETag on API answers: nothing revalidates them, and hashing every body cost ~5% of intake CPU.
  // (The web app's static files keep theirs: serve-static sets its own.)
  app.set('etag', false);
  app.set('trust proxy', config.TRUST_PROXY);

  // Security headers (CSP, no-store on /api, HSTS behind TLS, CORS allow-list) on every answer, errors included.
  app.use(securityHeaders(config));
  // Health probes every few seconds would drown the log.
  app.use(requestLog(logger, { ignore: (url) => PROBES.has(url), slowMs: config.SLOW_REQUEST_MS }));
  // Every request timed by route template and status (cordon_http_request_duration_seconds).
  app.use(httpMetrics(ops.metrics));
  // Writes a browser sends from another site are refused (CSRF protection of the session cookie).
  app.use(crossSiteGuard(config));

  // The edge, in one place, for every operation of the document (the health probe and the document
  // itself included): text the database can't hold is refused, then what each operation may carry
  // (query parameters, body media type) is checked against the document, then JSON is read.
  const openapi = buildOpenApiDocument();
  app.use(refuseHostileUrl);
  app.use(operationPolicy(openapi));
  app.use(healthRoutes(deps));
  app.use(opsRoutes({ config, readiness: ops.readiness, exposition: ops.exposition ?? (() => registryExposition(ops.metrics)) }));
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  const json = express.json({ limit: config.BODY_LIMIT_JSON_BYTES, type: ['application/json', 'application/*+json'] });
  // Area outlines (GeoJSON) are parsed by their route, under their own, larger limit.
  app.use((req, res, next) => (req.method === 'GET' || req.method === 'HEAD' || req.path === AREA_PATHS.outlines ? next() : json(req, res, next)));
  app.use(refuseHostileBody);

  const audit = createAuditService(deps);
  const authenticated: RequestHandler = requireAuth(deps, createAuthService({ ...deps, audit }));
  const intakeLimit = intakeRateLimit({ ...deps, redis: deps.redis });
  const intake = { ...createIntakeDeps(deps.db, deps.clock, audit, config.FOOD_CYCLE_DAYS), accepted: (kind: string) => ops.metrics.needsAccepted.inc({ kind }) };
  const queue = deps.queue ?? (deps.redis ? createProducers({ redis: deps.redis }) : undefined);

  // Revoking a session also cuts its live sockets, on every server process.
  app.use(authRoutes(deps, deps.live ? withLiveRevocation(createAuthService({ ...deps, audit }), deps.live) : undefined));
  app.use(needsRoutes({ ...intake, live: deps.live, passAlerts: passServices(deps).alerts }, authenticated, intakeLimit));
  app.use(needsImportRoutes(intake, authenticated, intakeLimit, { bodyLimitBytes: config.BODY_LIMIT_CSV_BYTES, maxRows: config.CSV_MAX_ROWS }));
  app.use(accountRoutes({ db: deps.db, audit, clock: deps.clock, config, rateLimit: deps }, authenticated));
  app.use(exportRoutes({ db: deps.db, audit }, authenticated));
  app.use(gridRoutes({ db: deps.db, audit }, authenticated));
  app.use(areaRoutes({ db: deps.db, audit }, authenticated, { maxBytes: config.GRID_IMPORT_MAX_BYTES, maxRows: config.GRID_IMPORT_MAX_ROWS, outlineMaxBytes: config.GRID_OUTLINE_MAX_BYTES }));
  app.use(riskMapRoutes({ db: deps.db, audit, publisher: deps.live, riskMap: { controlStatuses: config.CONTROL_STATUSES, riskLevels: config.RISK_LEVELS } }, authenticated));
  app.use(householdRoutes({ db: deps.db, audit }, authenticated, { maxBytes: config.REGISTER_IMPORT_MAX_BYTES, maxRows: config.REGISTER_IMPORT_MAX_ROWS }));
  // Fleet files are small; the register's limits bound them.
  app.use(fleetRoutes({ db: deps.db, audit }, authenticated, { maxBytes: config.REGISTER_IMPORT_MAX_BYTES, maxRows: config.REGISTER_IMPORT_MAX_ROWS }));
  app.use(roundsRoutes({ db: deps.db, queue, publisher: deps.live, driverLimits: driverLimitsOf(config), defaultTimeLimitMs: config.SOLVE_TIME_LIMIT_MS }, authenticated));
  app.use(rosterRoutes({ db: deps.db, audit, limits: driverLimitsOf(config), timeZone: config.ROSTER_TIME_ZONE }, authenticated));
  app.use(roundDeskRoutes({ db: deps.db, font: config.ACCOUNT_SHEET_FONT }, authenticated));
  app.use(overviewRoutes({ db: deps.db, clock: deps.clock, foodCycleDays: config.FOOD_CYCLE_DAYS }, authenticated));
  app.use(stockRoutes({ db: deps.db, clock: deps.clock, audit, publisher: deps.live }, authenticated));
  app.use(procurementRoutes({ db: deps.db, clock: deps.clock, audit, cutoff: config.PROCUREMENT_CUTOFF }, authenticated));
  app.use(passesRoutes(deps, authenticated, intakeLimit));
  app.use(emergencyRoutes(deps, authenticated));
  app.use(driverBatchRoutes({ db: deps.db, audit, publisher: deps.live, clock: deps.clock }, authenticated));
  const photos = localPhotoStore(config.GATE_PHOTO_DIR ?? join(config.DATA_DIR, 'gate-photos'));
  app.use(gatePhotoRoutes({ db: deps.db, audit, publisher: deps.live, clock: deps.clock, photos }, authenticated, { maxBytes: config.GATE_PHOTO_MAX_BYTES }));
  app.use(webhookRoutes({ db: deps.db, audit, allowHosts: parseAllowHosts(config.WEBHOOK_ALLOW_HOSTS) }, authenticated));
  app.use(wasteRoutes({ db: deps.db, clock: deps.clock, audit }, authenticated));
  app.use(wasteCustodyRoutes({ db: deps.db, clock: deps.clock, audit, publisher: deps.live, weightTolerance: config.WASTE_WEIGHT_TOLERANCE, logger }, authenticated));
  app.use(noticeRoutes({ db: deps.db, clock: deps.clock, audit, settings: noticeSettingsFrom(config) }, authenticated));
  app.use(tripDepartureRoutes({ db: deps.db, clock: deps.clock, audit, publisher: deps.live }, authenticated));
  app.use(handoverRoutes({ db: deps.db, clock: deps.clock, audit, publisher: deps.live, timeZone: config.ROSTER_TIME_ZONE }, authenticated));
  // The queue dashboard (admins), before the web app's page fallback would answer its GETs.
  if (queue) mountQueueDashboard(app, queue, authenticated, { allowRetries: config.QUEUE_DASHBOARD_RETRY });
  // The web app and its settings (no authentication: the page logs in through the API).
  app.use(webRoutes(config));

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
