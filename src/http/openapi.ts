/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with,
 * so the document cannot drift from what the server accepts. One registration file per route
 * family; tests/unit/openapi-coverage.test.ts fails when a mounted route is missing here.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import * as c from '../contracts/intake.contract';
import { gateHoursBody, gateHoursView } from '../contracts/gate-hours.contract';
import { healthResponse } from '../contracts/health.contract';
import { registerAccountRoutes } from './auth.openapi';
import { loginBody, loginResponse, meResponse } from './auth.schemas';
import { errors as baseErrors, idempotencyHeader, json, jsonBody, optionalJsonBody, problem, rateLimited, toOpenApiPath, type AddRoute } from './openapi-kit';
import { registerPassRoutes, registerEmergencyRoutes } from './openapi-passes';
import { registerDeliveryRoutes, registerRoundRoutes } from './openapi-rounds';
import { registerOverviewRoutes } from './openapi-overview';
import { registerHouseholdRoutes } from './openapi-households';
import { registerFleetRoutes } from './openapi-fleet';
import { registerAreaRoutes } from './openapi-areas';
import { registerExportRoutes } from './openapi-exports';
import { registerRiskMapRoutes } from './openapi-risk-map';
import { registerWebhookRoutes } from './openapi-webhooks';
import { registerWasteRoutes } from './openapi-waste';
import { registerRosterRoutes } from './openapi-roster';
import { registerNoticeRoutes } from './openapi-notices';
import { registerDepartureRoutes } from './openapi-departure';
import { registerHandoverRoutes } from './openapi-handover';
import { areaReadQuery } from '../contracts/area.contract';
import { registerAccountBulkRoutes } from './openapi-accounts';
import { registerOpsRoutes } from './openapi-ops';
import { registerProcurementRoutes, registerStockRoutes } from './openapi-stock';
import { withEdgeResponses } from './operation-policy';
import { AUTH_PATHS } from './routes/auth.routes';
import { GRID_PATHS } from './routes/grid.routes';
import { IMPORT_PATH } from './routes/needs-import.routes';
import { NEEDS_PATHS } from './routes/needs.routes';

const errors = { ...baseErrors, ...rateLimited };

export function buildOpenApiDocument(): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const r = new OpenAPIRegistry();
  const bearer = r.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  const security = [{ [bearer.name]: [] }];
  const route: AddRoute = (method, path, summary, spec) =>
    r.registerPath({ method, path: toOpenApiPath(path), summary, ...(spec.public ? {} : { security }), ...(spec.request ? { request: spec.request } : {}), responses: spec.responses });

  r.registerPath({ method: 'get', path: '/health', summary: 'Database and Redis reachability', responses: { 200: json(healthResponse, 'Healthy'), 503: json(healthResponse, 'Degraded: a check is down') } });
  registerOpsRoutes(r);
  r.registerPath({ method: 'post', path: AUTH_PATHS.login, summary: 'Log in; returns a bearer token', request: { body: jsonBody(loginBody) }, responses: { 200: json(loginResponse, 'Session opened'), ...errors } });
  route('get', AUTH_PATHS.me, 'The caller and their assignments', { responses: { 200: json(meResponse, 'Me'), 401: errors[401] } });
  registerAccountRoutes(r, security, problem);

  route('post', NEEDS_PATHS.householdNeeds, 'Submit a need for a household (accepted at once; a duplicate of an open need is merged)', {
    request: { params: c.householdParams, headers: idempotencyHeader, body: jsonBody(c.createNeedBody) },
    responses: { 201: json(c.submitNeedResponse, 'Accepted as a new need'), 200: json(c.submitNeedResponse, 'Merged into an identical open need (merged: true)'), ...errors, 409: problem('Idempotency key in use') },
  });
  route('get', NEEDS_PATHS.householdNeeds, 'A household’s needs with their status history', { request: { params: c.householdParams }, responses: { 200: json(c.needListResponse, 'Needs'), ...errors } });
  route('get', NEEDS_PATHS.need, 'One need with its status history', { request: { params: c.needParams }, responses: { 200: json(c.needView, 'Need'), ...errors } });
  route('post', NEEDS_PATHS.cancel, 'Cancel an open need; one planned in a round not yet dispatched leaves its stop (its stock released)', {
    request: { params: c.needParams, headers: idempotencyHeader, body: optionalJsonBody(c.cancelNeedBody) },
    responses: { 200: json(z.object({ need: c.needView }), 'Cancelled'), ...errors, 409: problem('Not cancellable in its status, or its bags are already on a van (the driver reports it at the door), or its pass is already out (cancel or return the pass through the pass routes)') },
  });
  route('get', NEEDS_PATHS.foodCycle, 'The food cycles a food_package need may name now: the current one (its default) and the next', {
    responses: { 200: json(c.foodCyclesResponse, 'Food cycles'), 401: errors[401] },
  });
  route('post', IMPORT_PATH, 'Import a corridor’s registration table (CSV): all rows or none', {
    request: { params: c.corridorParams, headers: idempotencyHeader, body: { content: { 'text/csv': { schema: z.string() } } } },
    responses: { 201: json(c.importResponse, 'Every row imported'), ...errors, 422: problem('Refused: `rows` lists line, column and reason of each problem') },
  });
  route('get', GRID_PATHS.area, 'An area, its children (in use; retired ones too with includeRetired=true) and its outline', { request: { params: c.areaParams, query: areaReadQuery }, responses: { 200: json(c.areaResponse, 'Area'), ...errors } });
  route('get', GRID_PATHS.districts, 'The districts: the roots of the grid (open one for its streets)', { responses: { 200: json(c.areaListResponse, 'Districts'), ...errors } });
  route('get', GRID_PATHS.corridors, 'The corridors the caller works in', { responses: { 200: json(c.areaListResponse, 'Corridors'), ...errors } });
  route('get', GRID_PATHS.corridorHouseholds, 'Households of a corridor', { request: { params: c.corridorParams, query: c.pageQuery }, responses: { 200: json(c.householdListResponse, 'Households'), ...errors } });
  route('get', GRID_PATHS.communityHouseholds, 'Households of a community', { request: { params: c.communityParams, query: c.pageQuery }, responses: { 200: json(c.householdListResponse, 'Households'), ...errors } });
  route('get', GRID_PATHS.household, 'One household', { request: { params: c.householdParams }, responses: { 200: json(c.householdView, 'Household'), ...errors } });
  route('put', GRID_PATHS.corridorHours, 'Set when a corridor gate receives deliveries (a coordinator of the corridor or an admin); rounds route its stop within them', {
    request: { params: c.corridorParams, body: jsonBody(gateHoursBody) },
    responses: { 200: json(gateHoursView, 'Receiving hours'), ...errors, 422: problem('Not HH:MM, or until not after from') },
  });

  registerHouseholdRoutes(route);
  registerFleetRoutes(route);
  registerAreaRoutes(route);
  registerExportRoutes(route);
  registerRiskMapRoutes(route);
  registerAccountBulkRoutes(route);
  registerRoundRoutes(route);
  registerOverviewRoutes(route);
  registerStockRoutes(route);
  registerProcurementRoutes(route);
  registerPassRoutes(route);
  registerEmergencyRoutes(route);
  registerDeliveryRoutes(route);
  registerWebhookRoutes(route, r);
  registerWasteRoutes(route);
  registerRosterRoutes(route);
  registerNoticeRoutes(route);
  registerDepartureRoutes(route);
  registerHandoverRoutes(route);

  const doc = new OpenApiGeneratorV31(r.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Cordon API',
      version: '0.1.0',
      description: 'Sealed-area supply distribution: needs intake, the grid, accounts, planning rounds, stock and procurement, medical passes, emergencies, deliveries.',
    },
  });
  // The generated document refers to the Problem schema by reference (problemDocument's meta id).
  return withEdgeResponses(doc, (description) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }));
}
