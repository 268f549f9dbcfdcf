/**
 * Webhook deliveries (migration 0025): the durable queue of each endpoint and its delivery log.
 * Rows are captured with the live events they carry (same transaction), sent head first per
 * endpoint, and each attempt's outcome is recorded only by the attempt that matches the head's
 * attempts count, so a duplicate run of a job (at-least-once queue) cannot record twice.
 */
import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { Db } from './db';
import type { WebhookDeliveriesTable } from './tables/webhooks';
import { toEndpoint, type WebhookEndpoint } from './webhook.repository';

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  body: string;
  occurredAt: Date;
  status: 'pending' | 'delivered';
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastLatencyMs: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  redeliveryOf: string | null;
  createdAt: Date;
}

const date = (d: Date | string | null): Date | null => (d === null ? null : new Date(d));

function toDelivery(r: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
  return {
    id: String(r.id), endpointId: r.endpoint_id, eventId: r.event_id, eventType: r.event_type, body: r.body,
    occurredAt: new Date(r.occurred_at), status: r.status, attempts: r.attempts, nextAttemptAt: new Date(r.next_attempt_at),
    lastAttemptAt: date(r.last_attempt_at), lastStatusCode: r.last_status_code, lastLatencyMs: r.last_latency_ms, lastError: r.last_error,
    deliveredAt: date(r.delivered_at), redeliveryOf: r.redelivery_of === null ? null : String(r.redelivery_of), createdAt: new Date(r.created_at),
  };
}

export interface EventToDeliver {
  id: string;
  type: string;
  at: Date;
  /** The exact JSON text to sign and send. */
  body: string;
}

/** Which of `types` some enabled endpoint receives (usually none: then nothing else is sent to the database). */
export async function subscribedTypes(db: Db, types: readonly string[]): Promise<Set<string>> {
  if (types.length === 0) return new Set();
  const rows = await sql<{ type: string }>`
    select distinct t.type from webhook_endpoints e, unnest(e.events) as t(type)
    where e.enabled and t.type = any(${[...types]}::text[])`.execute(db);
  return new Set(rows.rows.map((r) => r.type));
}

/**
 * One row per (enabled endpoint subscribed to the type, event), in the events' order: ids grow in
 * that order, which is the order each endpoint receives them. One statement whatever the number of
 * events; with no endpoint it inserts nothing.
 */
export async function captureDeliveries(db: Db, events: readonly EventToDeliver[]): Promise<number> {
  if (events.length === 0) return 0;
  const result = await deliveriesInsert(events).execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** captureDeliveries' insert as a statement, to run alone or inside another (a data-modifying `with`). */
export function deliveriesInsert(events: readonly EventToDeliver[]): RawBuilder<unknown> {
  return sql`
    insert into webhook_deliveries (endpoint_id, event_id, event_type, body, occurred_at)
    select e.id, t.id, t.type, t.body, t.at
    from unnest(${events.map((e) => e.id)}::uuid[], ${events.map((e) => e.type)}::text[], ${events.map((e) => e.body)}::text[],
      ${events.map((e) => e.at.toISOString())}::timestamptz[]) with ordinality as t(id, type, body, at, n)
    join webhook_endpoints e on e.enabled and t.type = any(e.events)
    order by t.n, e.id`;
}

export interface Head {
  endpointId: string;
  /** The endpoint's updated_at in ms (see webhookJobData.generation). */
  generation: number;
  deliveryId: string;
  attempts: number;
  nextAttemptAt: Date;
}

/** The head (oldest pending delivery) of every enabled endpoint that has one. */
export async function pendingHeads(db: Db): Promise<Head[]> {
  const rows = await sql<{ endpoint_id: string; updated_at: Date; id: string; attempts: number; next_attempt_at: Date }>`
    select distinct on (d.endpoint_id) d.endpoint_id, e.updated_at, d.id, d.attempts, d.next_attempt_at
    from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id and e.enabled
    where d.status = 'pending'
    order by d.endpoint_id, d.id`.execute(db);
  return rows.rows.map((r) => ({ endpointId: r.endpoint_id, generation: new Date(r.updated_at).getTime(), deliveryId: String(r.id), attempts: r.attempts, nextAttemptAt: new Date(r.next_attempt_at) }));
}

/** An endpoint with its head delivery, or undefined when it is gone or has nothing pending. */
export async function loadHead(db: Db, endpointId: string): Promise<{ endpoint: WebhookEndpoint; head: WebhookDelivery | undefined } | undefined> {
  const row = await db.selectFrom('webhook_endpoints').selectAll().where('id', '=', endpointId).executeTakeFirst();
  if (!row) return undefined;
  const head = await db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId).where('status', '=', 'pending')
    .orderBy('id').limit(1).executeTakeFirst();
  return { endpoint: toEndpoint(row), head: head && toDelivery(head) };
}

export interface AttemptOutcome {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  at: Date;
}

const attemptColumns = (o: AttemptOutcome) => ({
  last_attempt_at: o.at, last_status_code: o.statusCode, last_latency_ms: o.latencyMs, last_error: o.error === null ? null : o.error.slice(0, 500),
});

/** Marks the head delivered if it is still at `attempts`, and clears the endpoint's failure count. False: another run recorded it. */
export async function recordDelivered(db: Db, delivery: Pick<WebhookDelivery, 'id' | 'endpointId' | 'attempts'>, o: AttemptOutcome): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const updated = await trx.updateTable('webhook_deliveries')
      .set({ ...attemptColumns(o), status: 'delivered', attempts: delivery.attempts + 1, delivered_at: o.at })
      .where('id', '=', delivery.id as never).where('status', '=', 'pending').where('attempts', '=', delivery.attempts).executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return false;
    await trx.updateTable('webhook_endpoints').set({ consecutive_failures: 0 }).where('id', '=', delivery.endpointId).execute();
    return true;
  });
}

export interface FailureRecorded {
  /** The endpoint's failures in a row after this one. */
  failures: number;
  /** This failure reached the limit and switched the endpoint off. */
  disabled: boolean;
}

/**
 * Records a failed attempt of the head (if it is still at `attempts`): the delivery is due again at
 * `nextAttemptAt`; the endpoint's failure count grows, and at `maxFailures` the endpoint is disabled.
 * Undefined: another run recorded it.
 */
export async function recordFailed(db: Db, delivery: Pick<WebhookDelivery, 'id' | 'endpointId' | 'attempts'>, o: AttemptOutcome, nextAttemptAt: Date, maxFailures: number): Promise<FailureRecorded | undefined> {
  return db.transaction().execute(async (trx) => {
    const updated = await trx.updateTable('webhook_deliveries')
      .set({ ...attemptColumns(o), attempts: delivery.attempts + 1, next_attempt_at: nextAttemptAt })
      .where('id', '=', delivery.id as never).where('status', '=', 'pending').where('attempts', '=', delivery.attempts).executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return undefined;
    const endpoint = await trx.updateTable('webhook_endpoints').set((eb) => ({ consecutive_failures: eb('consecutive_failures', '+', 1) }))
      .where('id', '=', delivery.endpointId).returning(['consecutive_failures', 'enabled']).executeTakeFirst();
    if (!endpoint) return undefined;
    const disabled = endpoint.enabled && endpoint.consecutive_failures >= maxFailures;
    if (disabled) {
      await trx.updateTable('webhook_endpoints')
        .set({ enabled: false, disabled_at: o.at, disabled_reason: `${endpoint.consecutive_failures} failed attempts in a row (last: ${o.error ?? 'error'})`.slice(0, 500) })
        .where('id', '=', delivery.endpointId).execute();
    }
    return { failures: endpoint.consecutive_failures, disabled };
  });
}

export interface DeliveryFilter {
  status?: 'pending' | 'delivered' | undefined;
  before?: string | undefined;
  limit: number;
}

/** An endpoint's deliveries, newest first. */
export async function listDeliveries(db: Db, endpointId: string, filter: DeliveryFilter): Promise<WebhookDelivery[]> {
  let q = db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.before) q = q.where('id', '<', filter.before as never);
  const rows = await q.orderBy('id', 'desc').limit(filter.limit).execute();
  return rows.map(toDelivery);
}

/**
 * A manual redelivery: a new pending row with the same event id and body at the end of the
 * endpoint's queue (its place in the order is now). Undefined when the delivery is not the endpoint's.
 */
export async function insertRedelivery(db: Db, endpointId: string, deliveryId: string): Promise<WebhookDelivery | undefined> {
  const rows = await sql<Selectable<WebhookDeliveriesTable>>`
    insert into webhook_deliveries (endpoint_id, event_id, event_type, body, occurred_at, redelivery_of)
    select endpoint_id, event_id, event_type, body, occurred_at, id from webhook_deliveries
    where id = ${deliveryId}::int8 and endpoint_id = ${endpointId}
    returning *`.execute(db);
  const row = rows.rows[0];
  return row && toDelivery(row);
}

/** Deletes delivered rows older than `before` (pending ones stay: they are the queue). Returns the count. */
export async function pruneDelivered(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('webhook_deliveries').where('status', '=', 'delivered').where('delivered_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
