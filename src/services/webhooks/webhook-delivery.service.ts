/**
 * Delivering webhooks (issue #19, item 1), in the workers.
 *
 * The design, simplest durable one: `webhook_deliveries` (filled with the live events, in their
 * transaction: webhook-capture.ts) is the queue of each endpoint. Its oldest pending row is the
 * endpoint's head; only the head is ever sent, so an endpoint receives its events in order, and a
 * receiver that is down holds its queue until it answers again (at least once: a crash between the
 * answer and the record sends the head again, with the same webhook-id).
 *
 * - `dispatchDue` (every WEBHOOK_POLL_MS, each workers process) adds one BullMQ job per endpoint
 *   with a head: the job for that head's next attempt, delayed until it is due. The job id names
 *   endpoint, delivery and attempt (src/queue/webhook-queue.ts), so repeated adds are one job, and
 *   a job lost with Redis comes back at the next poll.
 * - `deliverHead` (the job) sends the head if it is still the one the job names, records the
 *   outcome, and adds the job of what comes next: the following head at once after a success, the
 *   same head after the backoff (WEBHOOK_BACKOFF_MS doubled per attempt, capped at
 *   WEBHOOK_BACKOFF_MAX_MS) after a failure. At WEBHOOK_MAX_FAILURES failures in a row the endpoint
 *   is disabled: an error log line, an audit row and a `webhook.disabled` live event for the admins
 *   at the dispatch desk. Its pending events wait for an admin to switch it back on.
 * - Job ids also carry the endpoint's version (its updated_at): after an admin's change, jobs of the
 *   old version are stale, so a fixed URL is tried at once rather than after the old backoff.
 */
import type { WebhookJobData } from '../../contracts/webhooks.contract';
import type { WebhookEnqueue } from '../../queue/webhook-queue';
import type { Clock } from '../../shared/clock';
import type { Logger } from '../../shared/logger';
import type { Db } from '../../store/db';
import { loadHead, pendingHeads, pruneDelivered, recordDelivered, recordFailed, type Head } from '../../store/webhook-delivery.repository';
import { sendWebhook, type SendInput, type SendOutcome } from './webhook-sender';
import { signWebhook } from './webhook-signature';
import type { AllowedHost } from './webhook-target';

export interface WebhookDeliverySettings {
  timeoutMs: number;
  maxFailures: number;
  backoffMs: number;
  backoffMaxMs: number;
  allowHosts: readonly AllowedHost[];
}

export interface WebhookDeliveryDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  enqueue: WebhookEnqueue;
  settings: WebhookDeliverySettings;
  /** Told when an endpoint was just disabled (the alert). */
  onDisabled?: (endpointId: string, failures: number, at: Date) => Promise<void>;
  /** The HTTP attempt (tests may replace it). Default: sendWebhook. */
  send?: (input: SendInput) => Promise<SendOutcome>;
}

/** Wait before attempt n+1 after n failed attempts of a delivery: base x 2^(n-1), capped. */
export function backoffDelayMs(failedAttempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(failedAttempts - 1, 40)));
}

const jobOf = (h: Head) => ({ data: { endpointId: h.endpointId, generation: h.generation, deliveryId: h.deliveryId, attempt: h.attempts }, delayMs: 0 });

/** Adds the job of every endpoint's head (each delayed until due). Returns how many endpoints have one. */
export async function dispatchDue(deps: Pick<WebhookDeliveryDeps, 'db' | 'clock' | 'enqueue'>): Promise<number> {
  const heads = await pendingHeads(deps.db);
  const now = deps.clock.now().getTime();
  await deps.enqueue(heads.map((h) => ({ ...jobOf(h), delayMs: Math.max(0, h.nextAttemptAt.getTime() - now) })));
  return heads.length;
}

/** Queues the endpoint's current head, if any (after a success, or when a job found its head moved on). */
async function enqueueHeadOf(deps: WebhookDeliveryDeps, endpointId: string): Promise<void> {
  const next = await loadHead(deps.db, endpointId);
  if (!next?.endpoint.enabled || !next.head) return;
  const now = deps.clock.now().getTime();
  const head: Head = { endpointId, generation: next.endpoint.updatedAt.getTime(), deliveryId: next.head.id, attempts: next.head.attempts, nextAttemptAt: next.head.nextAttemptAt };
  await deps.enqueue([{ ...jobOf(head), delayMs: Math.max(0, head.nextAttemptAt.getTime() - now) }]);
}

export type DeliverOutcome = 'delivered' | 'failed' | 'disabled' | 'stale' | 'endpoint-gone' | 'endpoint-disabled';

export async function deliverHead(deps: WebhookDeliveryDeps, job: WebhookJobData): Promise<DeliverOutcome> {
  const loaded = await loadHead(deps.db, job.endpointId);
  if (!loaded) return 'endpoint-gone';
  const { endpoint, head } = loaded;
  if (!endpoint.enabled) return 'endpoint-disabled';
  if (!head || head.id !== job.deliveryId || head.attempts !== job.attempt || endpoint.updatedAt.getTime() !== job.generation) {
    // Another run got there first, the head moved on, or an admin changed the endpoint: its job is (or is now) queued.
    await enqueueHeadOf(deps, endpoint.id);
    return 'stale';
  }
  const headers = signWebhook(endpoint.secret, head.eventId, Math.floor(deps.clock.now().getTime() / 1000), head.body);
  const outcome = await (deps.send ?? sendWebhook)({ url: endpoint.url, body: head.body, headers: { ...headers }, timeoutMs: deps.settings.timeoutMs, allowHosts: deps.settings.allowHosts });
  const at = deps.clock.now();
  const log = deps.logger.child({ endpointId: endpoint.id, deliveryId: head.id, eventType: head.eventType, attempt: head.attempts + 1 });
  const attempt = { statusCode: outcome.statusCode, latencyMs: outcome.latencyMs, error: outcome.error, at };
  if (outcome.ok) {
    if (await recordDelivered(deps.db, head, attempt)) await enqueueHeadOf(deps, endpoint.id);
    log.debug({ status: outcome.statusCode, ms: outcome.latencyMs }, 'webhook delivered');
    return 'delivered';
  }
  const { backoffMs, backoffMaxMs, maxFailures } = deps.settings;
  const nextAt = new Date(at.getTime() + backoffDelayMs(head.attempts + 1, backoffMs, backoffMaxMs));
  const recorded = await recordFailed(deps.db, head, attempt, nextAt, maxFailures);
  if (!recorded) return 'stale';
  if (recorded.disabled) {
    log.error({ failures: recorded.failures, status: outcome.statusCode, err: outcome.error }, 'webhook endpoint disabled after repeated failures; its events wait until an admin switches it back on');
    await deps.onDisabled?.(endpoint.id, recorded.failures, at);
    return 'disabled';
  }
  log.warn({ failures: recorded.failures, status: outcome.statusCode, err: outcome.error, retryAt: nextAt.toISOString() }, 'webhook attempt failed; will retry');
  await deps.enqueue([{ data: { endpointId: endpoint.id, generation: job.generation, deliveryId: head.id, attempt: head.attempts + 1 }, delayMs: nextAt.getTime() - at.getTime() }]);
  return 'failed';
}

/** Drops delivered rows older than `days` from the delivery log. */
export function pruneWebhookLog(db: Db, now: Date, days: number): Promise<number> {
  return pruneDelivered(db, new Date(now.getTime() - days * 86_400_000));
}
