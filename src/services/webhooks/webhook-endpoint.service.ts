/**
 * Outbound webhooks, the admins' side (issue #19, item 1): register, list, change and delete
 * endpoints, read an endpoint's delivery log and redeliver one event. Admins only; every change
 * is audited in its own transaction. The secret is returned once, by the creation; later answers
 * show a hint of it. The URL passes the SSRF check (webhook-target.ts) on every create and change.
 */
import type { DeliveryView, WebhookCreateInput, WebhookPatchInput, WebhookView } from '../../contracts/webhooks.contract';
import type { Actor } from '../../domain/access';
import { AppError } from '../../shared/errors';
import type { Db } from '../../store/db';
import { insertRedelivery, listDeliveries, type DeliveryFilter, type WebhookDelivery } from '../../store/webhook-delivery.repository';
import { deleteEndpoint, findEndpoint, insertEndpoint, listEndpoints, lockEndpoint, updateEndpoint, type WebhookEndpointWithCounts } from '../../store/webhook.repository';
import { guardRole, type GuardContext } from '../access/access-guard';
import type { AuditService } from '../access/audit.service';
import { generateWebhookSecret, secretHint } from './webhook-signature';
import { checkWebhookUrl, type AllowedHost } from './webhook-target';

export interface WebhookAdminDeps {
  db: Db;
  audit: AuditService | undefined;
  /** WEBHOOK_ALLOW_HOSTS, parsed. */
  allowHosts: readonly AllowedHost[];
  /** DNS resolution of a host (tests may replace it). Default: the system resolver. */
  resolve?: (host: string) => Promise<string[]>;
}

const ADMINS = ['admin'] as const;

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

export function toWebhookView(e: WebhookEndpointWithCounts): WebhookView {
  return {
    id: e.id, url: e.url, events: e.events, description: e.description, enabled: e.enabled, consecutiveFailures: e.consecutiveFailures,
    disabledAt: iso(e.disabledAt), disabledReason: e.disabledReason, secretHint: secretHint(e.secret), pendingCount: e.pendingCount,
    createdAt: e.createdAt.toISOString(), updatedAt: e.updatedAt.toISOString(),
  };
}

export function toDeliveryView(d: WebhookDelivery): DeliveryView {
  return {
    id: d.id, eventId: d.eventId, eventType: d.eventType, occurredAt: d.occurredAt.toISOString(), status: d.status, attempts: d.attempts,
    lastAttemptAt: iso(d.lastAttemptAt), lastStatusCode: d.lastStatusCode, lastLatencyMs: d.lastLatencyMs, lastError: d.lastError,
    nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null, deliveredAt: iso(d.deliveredAt), redeliveryOf: d.redeliveryOf,
    createdAt: d.createdAt.toISOString(),
  };
}

async function guard(deps: WebhookAdminDeps, actor: Actor, action: string, subjectId: string, reqId?: string): Promise<void> {
  const ctx: GuardContext = { audit: deps.audit, reqId };
  await guardRole(ctx, actor, ADMINS, action, 'webhook', subjectId);
}

const checkUrl = (deps: WebhookAdminDeps, url: string) => checkWebhookUrl(url, deps.allowHosts, deps.resolve);

/** The audit row of a change, in the change's transaction. */
const audited = (deps: WebhookAdminDeps, trx: Db, actor: Actor, action: string, id: string, reqId: string | undefined) =>
  deps.audit?.record({ actor, action, subjectType: 'webhook', subjectId: id, outcome: 'allowed', reqId: reqId ?? null }, trx);

export async function createWebhook(deps: WebhookAdminDeps, actor: Actor, input: WebhookCreateInput, reqId?: string): Promise<WebhookView & { secret: string }> {
  await guard(deps, actor, 'webhook.create', 'new', reqId);
  const url = await checkUrl(deps, input.url);
  const secret = input.secret ?? generateWebhookSecret();
  const created = await deps.db.transaction().execute(async (trx) => {
    const endpoint = await insertEndpoint(trx, { url, events: input.events, secret, description: input.description ?? null, createdBy: actor.userId });
    await audited(deps, trx, actor, 'webhook.create', endpoint.id, reqId);
    return endpoint;
  });
  return { ...toWebhookView({ ...created, pendingCount: 0 }), secret };
}

export async function listWebhooks(deps: WebhookAdminDeps, actor: Actor, reqId?: string): Promise<WebhookView[]> {
  await guard(deps, actor, 'webhook.list', 'all', reqId);
  return (await listEndpoints(deps.db)).map(toWebhookView);
}

export async function changeWebhook(deps: WebhookAdminDeps, actor: Actor, id: string, input: WebhookPatchInput, reqId?: string): Promise<WebhookView> {
  await guard(deps, actor, 'webhook.update', id, reqId);
  const url = input.url === undefined ? undefined : await checkUrl(deps, input.url);
  await deps.db.transaction().execute(async (trx) => {
    if (!(await lockEndpoint(trx, id))) throw new AppError('not_found', 'webhook not found');
    await updateEndpoint(trx, id, {
      ...(url !== undefined ? { url } : {}),
      ...(input.events !== undefined ? { events: input.events } : {}),
      ...(input.secret !== undefined ? { secret: input.secret } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
    });
    await audited(deps, trx, actor, input.enabled === true ? 'webhook.enable' : 'webhook.update', id, reqId);
  });
  const changed = await findEndpoint(deps.db, id);
  if (!changed) throw new AppError('not_found', 'webhook not found');
  return toWebhookView(changed);
}

export async function removeWebhook(deps: WebhookAdminDeps, actor: Actor, id: string, reqId?: string): Promise<void> {
  await guard(deps, actor, 'webhook.delete', id, reqId);
  await deps.db.transaction().execute(async (trx) => {
    // Its pending deliveries go with it (on delete cascade): nothing is sent to a deleted endpoint.
    if (!(await deleteEndpoint(trx, id))) throw new AppError('not_found', 'webhook not found');
    await audited(deps, trx, actor, 'webhook.delete', id, reqId);
  });
}

export async function webhookDeliveries(deps: WebhookAdminDeps, actor: Actor, id: string, filter: DeliveryFilter, reqId?: string): Promise<DeliveryView[]> {
  await guard(deps, actor, 'webhook.deliveries', id, reqId);
  if (!(await findEndpoint(deps.db, id))) throw new AppError('not_found', 'webhook not found');
  return (await listDeliveries(deps.db, id, filter)).map(toDeliveryView);
}

/**
 * Sends one event again: a new delivery with the same event id and body, queued behind what the
 * endpoint has pending (so it arrives in order with the rest; a disabled endpoint keeps it until it
 * is switched back on).
 */
export async function redeliverWebhook(deps: WebhookAdminDeps, actor: Actor, id: string, deliveryId: string, reqId?: string): Promise<DeliveryView> {
  await guard(deps, actor, 'webhook.redeliver', id, reqId);
  return deps.db.transaction().execute(async (trx) => {
    if (!(await lockEndpoint(trx, id))) throw new AppError('not_found', 'webhook not found');
    const delivery = await insertRedelivery(trx, id, deliveryId);
    if (!delivery) throw new AppError('not_found', 'delivery not found');
    await audited(deps, trx, actor, 'webhook.redeliver', id, reqId);
    return toDeliveryView(delivery);
  });
}
