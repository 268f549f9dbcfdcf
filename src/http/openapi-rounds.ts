/**
 * OpenAPI entries of the planning rounds (rounds.routes.ts), the deliveries people follow
 * (driver-batches.routes.ts) and the web app's settings (web.ts).
 */
import { z } from 'zod';
import { corridorParams, householdParams } from '../contracts/intake.contract';
import { lockStopBody, moveStopBody, proposalView, roundParams, roundView, startRoundBody, stopParams } from '../contracts/rounds.contract';
import { roundListQuery, roundListResponse } from '../contracts/round-list.contract';
import { bagLabelsQuery, loadingListQuery, roundTripParams, routeSheetQuery } from '../contracts/round-paper.contract';
import { ROUND_PATHS } from './routes/rounds.routes';
import { ROUND_DESK_PATHS } from './routes/round-desk.routes';
import { GATE_PHOTO_PATHS, photoParams, photoQuery } from './routes/gate-photos.routes';
import { PHOTO_TYPES } from '../services/deliveries/gate-photo.service';
import { GATE_PATHS } from './routes/driver-batches.routes';
import {
  checkOffBody, checkOffResponse, driverBatchesResponse, gateDeliveriesResponse, gateHouseholdParams, gateStopParams, handoffBody, handoffResponse, householdDeliveriesResponse, householdFailedBody,
  householdFailedResponse,
} from '../contracts/handoff.contract';
import { errors, json, jsonBody, problem, readErrors, type AddRoute } from './openapi-kit';

const unavailable = { 503: problem('The planning queue (Redis) is unavailable') };
const pdf = (description: string) => ({ description, content: { 'application/pdf': { schema: z.string() } } });
const paperErrors = { ...readErrors, 409: problem('The round has no plan yet'), 503: problem('No CJK font installed (fonts-wqy-microhei) or ACCOUNT_SHEET_FONT missing') };
/** This document, described by its top-level members only (its full schema is OpenAPI 3.1's own). */
const openApiDocument = z.object({
  openapi: z.literal('3.1.0'),
  info: z.object({ title: z.string(), version: z.string(), description: z.string() }),
  components: z.record(z.string(), z.unknown()),
  paths: z.record(z.string(), z.unknown()),
  webhooks: z.record(z.string(), z.unknown()),
});

export function registerRoundRoutes(route: AddRoute): void {
  route('post', ROUND_PATHS.rounds, 'Start planning a round for an area (dispatcher, admin). Answered as a draft: a worker claims and cuts its needs (minutes for a district), then it is planning; progress is pushed live', {
    request: { body: jsonBody(startRoundBody) },
    responses: { 201: json(roundView, 'Round started (a draft until prepared)'), 200: json(roundView, 'The open round of this area and kind'), ...errors, ...unavailable },
  });
  route('get', ROUND_DESK_PATHS.list, 'Rounds, newest first, filtered by area (and below), kind, status and start time, with progress and served/unserved counts (dispatcher, admin; community staff: rounds touching their communities)', {
    request: { query: roundListQuery }, responses: { 200: json(roundListResponse, 'Rounds'), ...readErrors },
  });
  route('get', ROUND_DESK_PATHS.routeSheet, 'A trip’s route sheet (PDF): stops in order with gate, community, planned time, households and bags, a blank handoff-code box per stop (dispatcher, admin, the trip’s driver)', {
    request: { params: roundTripParams, query: routeSheetQuery }, responses: { 200: pdf('Route sheet'), ...paperErrors },
  });
  route('get', ROUND_DESK_PATHS.loadingList, 'Loading lists (PDF), a depot to a page, or one depot’s with depotId: per trip the bags by kind and the catalogue items in them with quantities (dispatcher, admin)', {
    request: { params: roundParams, query: loadingListQuery }, responses: { 200: pdf('Loading list'), ...paperErrors },
  });
  route('get', ROUND_DESK_PATHS.bagLabels, 'Bag labels (PDF, eight to a page): a QR code with bag id, corridor and flat, and the same in print; nothing medical (dispatcher, admin)', {
    request: { params: roundParams, query: bagLabelsQuery }, responses: { 200: pdf('Bag labels'), ...paperErrors },
  });
  route('get', ROUND_PATHS.round, 'A round and its planning progress', { request: { params: roundParams }, responses: { 200: json(roundView, 'Round'), ...readErrors } });
  route('get', ROUND_PATHS.proposal, 'The proposed plan: trips, stops, bags, loading list, unserved needs with reasons', { request: { params: roundParams }, responses: { 200: json(proposalView, 'Proposal'), ...readErrors } });
  route('post', ROUND_PATHS.approve, 'Approve a proposed round', { request: { params: roundParams }, responses: { 200: json(roundView, 'Approved'), ...readErrors, 409: errors[409] } });
  route('post', ROUND_PATHS.dispatch, 'Dispatch an approved round to its drivers', { request: { params: roundParams }, responses: { 200: json(roundView, 'Dispatched'), ...readErrors, 409: errors[409] } });
  route('post', ROUND_PATHS.moveStop, 'Move a stop to another trip at a position (the whole plan is validated: load in every dimension, skills, gate hours, shift, trips); the stop is locked', {
    request: { params: stopParams, body: jsonBody(moveStopBody) }, responses: { 200: json(proposalView, 'Proposal'), ...errors, 409: problem('The round is not proposed, or the change would break a rule of the plan: code plan_rule_broken, `rule` names it (capacity:<dimension>, skill:<skill>, time-window, shift, trips)') },
  });
  route('post', ROUND_PATHS.lockStop, 'Lock or unlock a stop: a locked stop keeps its trip, vehicle and order on re-plan', {
    request: { params: stopParams, body: jsonBody(lockStopBody) }, responses: { 200: json(proposalView, 'Proposal'), ...errors, 409: problem('The round is not proposed, or the change would break a rule of the plan: code plan_rule_broken, `rule` names it (capacity:<dimension>, skill:<skill>, time-window, shift, trips)') },
  });
  route('post', ROUND_PATHS.replan, 'Re-plan everything not locked, as a new plan generation', { request: { params: roundParams }, responses: { 202: json(roundView, 'Re-planning'), ...readErrors, 409: problem('The round is not proposed, or the change would break a rule of the plan: code plan_rule_broken, `rule` names it (capacity:<dimension>, skill:<skill>, time-window, shift, trips)'), ...unavailable } });
}

export function registerDeliveryRoutes(route: AddRoute): void {
  route('get', '/api/me/batches', 'The signed-in driver’s dispatched batches: gates, bag ids, households (no drug names)', { responses: { 200: json(driverBatchesResponse, 'Batches'), 401: errors[401], 403: errors[403] } });
  route('get', '/api/corridors/:corridorId/deliveries', 'What arrives at a corridor’s gate: bags per household, and the corridor’s waste pickups on collection rounds on the road (truck, planned time, what the crew recorded)', { request: { params: corridorParams }, responses: { 200: json(gateDeliveriesResponse, 'Deliveries'), ...readErrors } });
  route('get', GATE_PATHS.household, 'A household’s next deliveries in plain words: per open need on an approved or dispatched round, the gate, the planned time and the gate’s window, the truck’s plate, and the window the van is expected in once it is on its way (a `delivery.eta` live event to the household when the van leaves the stop before)', {
    request: { params: householdParams }, responses: { 200: json(householdDeliveriesResponse, 'Deliveries'), ...readErrors },
  });
  route('post', GATE_PATHS.handoff, 'Confirm a stop’s handover at the gate with the driver’s 6-digit code: the stop and its needs are delivered', {
    request: { params: gateStopParams, body: jsonBody(handoffBody) },
    responses: { 200: json(handoffResponse, 'Delivered'), ...errors, 409: errors[409], 422: problem('Wrong code (tries are counted)'), 429: problem('Too many wrong codes for this stop') },
  });
  route('post', GATE_PATHS.householdFailed, 'Report a household’s door failed at a stop, with a reason from the closed list', {
    request: { params: gateHouseholdParams, body: jsonBody(householdFailedBody) }, responses: { 200: json(householdFailedResponse, 'Needs failed'), ...errors },
  });
  route('put', GATE_PATHS.checkOff, 'Check off a household’s door at a stop: handed over, or failed with a reason (its needs fail); idempotent for the phone’s offline replay', {
    request: { params: gateHouseholdParams, body: jsonBody(checkOffBody) },
    responses: { 200: json(checkOffResponse, 'Stored (or already stored: replayed)'), ...errors, 409: problem('The door was failed already, or the stop is closed the other way') },
  });
  const photoView = z.object({ id: z.uuid(), stopId: z.string(), householdId: z.uuid().nullable(), contentType: z.enum(PHOTO_TYPES), bytes: z.int(), href: z.string() }).meta({ id: 'GatePhoto' });
  const image = Object.fromEntries(PHOTO_TYPES.map((t) => [t, { schema: z.string() }]));
  route('post', GATE_PHOTO_PATHS.photos, 'Attach a photo to a stop (a handoff) or a household’s door (a failed one): the image as the body, JPEG, PNG or WebP (checked by content), at most GATE_PHOTO_MAX_BYTES', {
    request: { params: gateStopParams, query: photoQuery, body: { content: image } },
    responses: { 201: json(z.object({ photo: photoView }), 'Stored'), ...errors },
  });
  route('get', GATE_PHOTO_PATHS.photo, 'A photo taken at the gate, for those who may see its stop (the corridor’s gate, the trip’s driver)', {
    request: { params: photoParams }, responses: { 200: { description: 'The image', content: image }, ...readErrors },
  });
  route('get', '/api/web-config', 'Settings the web app reads at start', { public: true, responses: { 200: json(z.object({ tileUrl: z.string().nullable() }), 'Web config') } });
  route('get', '/api/openapi.json', 'This document', { public: true, responses: { 200: json(openApiDocument, 'OpenAPI 3.1 document') } });
}
