/**
 * Live events, shared by the publishers (services, workers), the Socket.IO server and the web app.
 *
 * Privacy rule: events reach drivers, coordinators and the dispatch desk, so they carry ids,
 * statuses, bag ids and counts only: never a drug name, a need's details or a medical reason.
 * The schemas are strict objects, so a publisher cannot slip an extra field through.
 */
import { z } from 'zod';
import { NEED_KINDS } from '../domain/kinds';
import { AREA_KINDS } from '../domain/area';

// The kind names travel in events; the web app takes them from here (zod-free source: domain/kinds.ts).
export { NEED_KINDS };
import { scopeSchema } from './event-scopes';

export * from './event-scopes';

const id = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);
const isoTime = z.iso.datetime({ offset: true });
const bagIds = z.array(id).max(200);

/** Kinds of need (same list as src/domain/need.ts, kept here so the web bundle needs no domain code). */
export const NEED_STATUSES = ['submitted', 'accepted', 'planned', 'out_for_delivery', 'delivered', 'failed', 'cancelled'] as const;
export const ROUND_STAGES = ['queued', 'allocating', 'routing', 'improving', 'validating', 'merging', 'proposed', 'failed'] as const;
/** Why a stop was not served: a closed list, so no free text (which could be medical) travels. */
export const STOP_FAILURE_REASONS = ['no_answer', 'access_blocked', 'refused', 'address_not_found', 'vehicle_issue', 'out_of_time', 'other'] as const;
export const PASS_STATES = ['requested', 'approved', 'rejected', 'issued', 'used', 'revoked', 'expired', 'overdue', 'returned'] as const;
/** What an alert is about: ids only, staff open the record (with an audited read) for the rest. */
export const ALERT_KINDS = ['pass_overdue', 'emergency_accepted', 'emergency_trip_assigned', 'emergency_unserved'] as const;

export const needStatusChanged = z.strictObject({
  type: z.literal('need.status_changed'),
  needId: id,
  /** Null for a corridor's own need (a waste pickup): it goes to the corridor only. */
  householdId: id.nullable(),
  status: z.enum(NEED_STATUSES),
  previousStatus: z.enum(NEED_STATUSES).nullable(),
  /** The need's kind (e.g. `medicine`): never what is in it. */
  kind: z.enum(NEED_KINDS).optional(),
  /** Why it failed, from the closed list (free-text reasons may be medical and never travel). */
  reason: z.enum(STOP_FAILURE_REASONS).optional(),
});

export const roundProgress = z.strictObject({
  type: z.literal('round.progress'),
  roundId: id,
  percent: z.number().min(0).max(100),
  stage: z.enum(ROUND_STAGES),
});

export const roundProposed = z.strictObject({
  type: z.literal('round.proposed'),
  roundId: id,
  batchCount: z.int().nonnegative(),
  stopCount: z.int().nonnegative(),
  bagCount: z.int().nonnegative(),
  unassignedCount: z.int().nonnegative(),
});

export const roundDispatched = z.strictObject({
  type: z.literal('round.dispatched'),
  roundId: id,
  batchIds: z.array(id).max(1000),
});

export const stopEta = z.strictObject({ stopId: id, eta: isoTime });

export const vehiclePosition = z.strictObject({
  type: z.literal('vehicle.position'),
  batchId: id,
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  at: isoTime,
  /** ETAs of the stops still to serve, in route order. */
  etas: z.array(stopEta).max(500),
});

export const stopArrived = z.strictObject({
  type: z.literal('stop.arrived'),
  batchId: id,
  stopId: id,
  at: isoTime,
});

export const stopDelivered = z.strictObject({
  type: z.literal('stop.delivered'),
  batchId: id,
  stopId: id,
  bagIds,
  bagCount: z.int().nonnegative(),
  at: isoTime,
});

export const stopFailed = z.strictObject({
  type: z.literal('stop.failed'),
  batchId: id,
  stopId: id,
  reason: z.enum(STOP_FAILURE_REASONS),
  bagCount: z.int().nonnegative(),
  at: isoTime,
});

/**
 * The van is on its way to a stop (issue #17, item 7): the half-hour window it is expected in, to
 * the households served there (their household scope only), when the van left the stop before it.
 * Ids and times only; the resident's page reads its deliveries again.
 */
export const deliveryEta = z.strictObject({
  type: z.literal('delivery.eta'),
  batchId: id,
  stopId: id,
  from: isoTime,
  until: isoTime,
});

/**
 * A stop's manifest lost a need's bags (the need was cancelled before dispatch): the dispatch desk
 * and the corridor's coordinators reload the stop; `stopRemoved` when the stop left its trip.
 * Ids only: the bag ids and the need, never what the bags hold.
 */
export const MANIFEST_CHANGES = ['need_cancelled'] as const;
export const manifestChanged = z.strictObject({
  type: z.literal('round.manifest_changed'),
  roundId: id,
  batchId: id,
  stopId: id,
  needId: id,
  /** Null for a corridor's own need (a waste pickup) leaving a waste round. */
  householdId: id.nullable(),
  change: z.enum(MANIFEST_CHANGES),
  bagIds,
  stopRemoved: z.boolean(),
});

export const medicalPassState = z.strictObject({
  type: z.literal('pass.state'),
  passId: id,
  householdId: id,
  state: z.enum(PASS_STATES),
  validUntil: isoTime.nullable(),
});

/** Something staff must act on now: an overdue pass, an emergency case (dispatch and community scopes). */
export const alertRaised = z.strictObject({
  type: z.literal('alert.raised'),
  kind: z.enum(ALERT_KINDS),
  subjectId: id,
  householdId: id,
  communityId: id,
  at: isoTime,
});

export const stockAlert = z.strictObject({
  type: z.literal('stock.alert'),
  depotId: id,
  /** Catalogue code of the item (e.g. `food_package`, `med-0042`): codes, not drug names. */
  itemCode: id,
  available: z.int().nonnegative(),
  threshold: z.int().nonnegative(),
  level: z.enum(['low', 'out']),
});

/** Why a driver's batches changed: a closed list, so nothing about the people or goods travels. */
export const DRIVER_BATCH_CAUSES = ['round_dispatched', 'urgent_inserted', 'trip_moved', 'stop_cancelled'] as const;

/**
 * A driver's batches changed (`driver:<driverId>` scope): new trips, a stop added, moved or
 * cancelled. Ids only; the driver's page reloads its batches over HTTP, which applies the rules of
 * what a driver may see.
 */
export const driverBatchesChanged = z.strictObject({
  type: z.literal('driver.batches_changed'),
  driverId: id,
  cause: z.enum(DRIVER_BATCH_CAUSES),
  roundId: id,
  /** The driver's batches (`<roundId>_<tripId>`) the change touched. */
  batchIds: z.array(id).max(1000),
  /** The stop added, moved or cancelled, when there is one. */
  stopId: id.optional(),
});

const riskCode = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/);

/**
 * An area's control status or risk level changed (issue #15, item 4): to the dispatch desk, the
 * communities at or under the area and, for a community or below, its corridors. Codes only (the
 * pages take labels and colours from GET /api/risk-map/settings); the reason stays in the history.
 */
export const areaRiskChanged = z.strictObject({
  type: z.literal('area.risk_changed'),
  areaId: id,
  kind: z.enum(AREA_KINDS),
  communityId: id.nullable(),
  controlStatus: riskCode,
  previousControlStatus: riskCode,
  riskColour: riskCode,
  previousRiskColour: riskCode,
  /** The history entry (GET /api/areas/:areaId/risk/history). */
  changeId: id,
  at: isoTime,
});

/**
 * An outbound webhook endpoint was switched off after failing too many times in a row (issue #19):
 * an alert for the admins at the dispatch desk. Ids and a count only (the URL stays in the admin API).
 */
export const webhookDisabled = z.strictObject({
  type: z.literal('webhook.disabled'),
  endpointId: id,
  consecutiveFailures: z.int().nonnegative(),
  at: isoTime,
});

/**
 * A waste trip's weight at the disposal site differs from what its crew recorded picked up by more
 * than WASTE_WEIGHT_TOLERANCE (issue #18, item 2): to the dispatch desk. Ids only; the weights are in
 * the round's proposal (`custody` of the trip).
 */
export const wasteCustodyFlagged = z.strictObject({
  type: z.literal('waste.custody_flagged'),
  roundId: id,
  tripId: id,
  /** The driver's batch (`<roundId>_<tripId>`). */
  batchId: id,
  vehicleId: id,
  siteId: id.nullable(),
  at: isoTime,
});

/**
 * A van left its depot on a trip (issue #19, item 2): the driver's "left the depot" report, to the
 * batch, the dispatch desk and the gates on the trip. It starts the first stop's ETA notice.
 */
export const tripDeparted = z.strictObject({
  type: z.literal('trip.departed'),
  /** The driver's batch (`<roundId>_<tripId>`). */
  batchId: id,
  roundId: id,
  tripId: id,
  at: isoTime,
});

/**
 * A vehicle changed hands at a shift change (issue #18, item 4): the outgoing driver handed it over,
 * or the incoming driver accepted it. To the dispatch desk and both drivers. Ids only; the vehicle's
 * state is read over HTTP.
 */
export const vehicleHandover = z.strictObject({
  type: z.literal('vehicle.handover'),
  roundId: id,
  /** The incoming driver's first trip after the change (the handover's key). */
  tripId: id,
  vehicleId: id,
  fromDriverId: id,
  toDriverId: id,
  stage: z.enum(['handed', 'accepted']),
  at: isoTime,
});

export const liveEventSchema = z.discriminatedUnion('type', [
  needStatusChanged,
  roundProgress,
  roundProposed,
  roundDispatched,
  vehiclePosition,
  stopArrived,
  stopDelivered,
  stopFailed,
  deliveryEta,
  manifestChanged,
  medicalPassState,
  alertRaised,
  stockAlert,
  driverBatchesChanged,
  areaRiskChanged,
  webhookDisabled,
  wasteCustodyFlagged,
  tripDeparted,
  vehicleHandover,
]);
export type LiveEvent = z.infer<typeof liveEventSchema>;
export type LiveEventType = LiveEvent['type'];
export type LiveEventOf<T extends LiveEventType> = Extract<LiveEvent, { type: T }>;

/**
 * What a client receives: one event in one scope. An event published to several scopes arrives
 * once per scope the client joined (same `id`, each with that scope's own `seq`).
 */
export const envelopeSchema = z.strictObject({
  /** Event id, the same in every scope it was published to: dedupe across scopes with it. */
  id: z.uuid(),
  scope: scopeSchema,
  /** 1, 2, 3... per scope, without gaps. */
  seq: z.int().positive(),
  at: isoTime,
  event: liveEventSchema,
});
export type Envelope = z.infer<typeof envelopeSchema>;
