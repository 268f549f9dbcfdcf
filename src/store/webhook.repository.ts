/** Webhook endpoints (migration 0025): the receivers admins register. Plain objects out. */
import { sql, type Selectable } from 'kysely';
import type { Db } from './db';
import type { WebhookEndpointsTable } from './tables/webhooks';

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: string[];
  /** The signing secret: only the delivery worker and the creation answer ever see it. */
  secret: string;
  description: string | null;
  enabled: boolean;
  consecutiveFailures: number;
  disabledAt: Date | null;
  disabledReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookEndpointWithCounts extends WebhookEndpoint {
  pendingCount: number;
}

export function toEndpoint(r: Selectable<WebhookEndpointsTable>): WebhookEndpoint {
  return {
    id: r.id, url: r.url, events: r.events, secret: r.secret, description: r.description, enabled: r.enabled,
    consecutiveFailures: r.consecutive_failures, disabledAt: r.disabled_at, disabledReason: r.disabled_reason,
    createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
  };
}

export interface NewEndpoint {
  url: string;
  events: readonly string[];
  secret: string;
  description: string | null;
  createdBy: string | null;
}

export async function insertEndpoint(db: Db, input: NewEndpoint): Promise<WebhookEndpoint> {
  const row = await db.insertInto('webhook_endpoints')
    .values({ url: input.url, events: [...input.events], secret: input.secret, description: input.description, created_by: input.createdBy })
    .returningAll().executeTakeFirstOrThrow();
  return toEndpoint(row);
}

function withCounts(db: Db) {
  return db.selectFrom('webhook_endpoints as e').selectAll('e')
    .select(sql<string>`(select count(*) from webhook_deliveries d where d.endpoint_id = e.id and d.status = 'pending')`.as('pending_count'));
}

export async function listEndpoints(db: Db): Promise<WebhookEndpointWithCounts[]> {
  const rows = await withCounts(db).orderBy('e.created_at').orderBy('e.id').execute();
  return rows.map((r) => ({ ...toEndpoint(r), pendingCount: Number(r.pending_count) }));
}

export async function findEndpoint(db: Db, id: string): Promise<WebhookEndpointWithCounts | undefined> {
  const r = await withCounts(db).where('e.id', '=', id).executeTakeFirst();
  return r && { ...toEndpoint(r), pendingCount: Number(r.pending_count) };
}

export async function lockEndpoint(db: Db, id: string): Promise<WebhookEndpoint | undefined> {
  const r = await db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  return r && toEndpoint(r);
}

export interface EndpointChange {
  url?: string;
  events?: readonly string[];
  secret?: string;
  description?: string | null;
  enabled?: boolean;
}

/**
 * Applies a change. Switching an endpoint on clears its failure count; that or a new URL makes its
 * pending deliveries due at once (their backoff belonged to the failures of what was there before).
 */
export async function updateEndpoint(db: Db, id: string, change: EndpointChange): Promise<void> {
  await db.updateTable('webhook_endpoints').set({
    updated_at: new Date(),
    ...(change.url !== undefined ? { url: change.url } : {}),
    ...(change.events !== undefined ? { events: [...change.events] } : {}),
    ...(change.secret !== undefined ? { secret: change.secret } : {}),
    ...(change.description !== undefined ? { description: change.description } : {}),
    ...(change.enabled === true ? { enabled: true, consecutive_failures: 0, disabled_at: null, disabled_reason: null } : {}),
    ...(change.enabled === false ? { enabled: false, disabled_at: new Date(), disabled_reason: 'disabled by an admin' } : {}),
  }).where('id', '=', id).execute();
  if (change.enabled === true || change.url !== undefined) {
    await db.updateTable('webhook_deliveries').set({ next_attempt_at: new Date() }).where('endpoint_id', '=', id).where('status', '=', 'pending').execute();
  }
}

export async function deleteEndpoint(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
