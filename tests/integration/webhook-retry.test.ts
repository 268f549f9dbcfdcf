/**
 * The webhook delivery steps on the real PostgreSQL, one at a time, with the queue and the HTTP
 * attempt replaced by recorders (no worker runs here): which job each step asks for, that an
 * admin's change of the URL makes the head due at once and the old version's delayed retry stale,
 * and that two runs of one job record one attempt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { scope } from '../../src/contracts/events';
import type { WebhookJobData } from '../../src/contracts/webhooks.contract';
import { createLivePublisher, type LivePublisher } from '../../src/services/live-status/live.service';
import { storeOnlyStream } from '../../src/services/passes/pass-alerts';
import { deliverHead, dispatchDue, type WebhookDeliveryDeps } from '../../src/services/webhooks/webhook-delivery.service';
import type { SendInput, SendOutcome } from '../../src/services/webhooks/webhook-sender';
import { createLogger } from '../../src/shared/logger';
import { startWorld, type World } from './auth.fixture';

let w: World;
let publisher: LivePublisher;
let admin: string;
const queued: { data: WebhookJobData; delayMs: number }[] = [];
const sent: SendInput[] = [];
let answer: SendOutcome = { ok: false, statusCode: 503, latencyMs: 3, error: 'HTTP 503' };

const deps = (): WebhookDeliveryDeps => ({
  db: w.database.db, clock: w.clock, logger: createLogger({ level: 'silent' }),
  enqueue: async (jobs) => void queued.push(...jobs),
  settings: { timeoutMs: 1000, maxFailures: 20, backoffMs: 60_000, backoffMaxMs: 3_600_000, allowHosts: [] },
  send: async (input) => {
    sent.push(input);
    return answer;
  },
});
const take = () => queued.splice(0, queued.length);

beforeAll(async () => {
  w = await startWorld('webhook_retry');
  publisher = createLivePublisher({ db: w.database.db, stream: storeOnlyStream, clock: w.clock, logger: createLogger({ level: 'silent' }) });
  admin = await w.login('admin');
}, 60_000);
afterAll(async () => w?.close());

describe('webhook delivery steps', () => {
  it('retries after the backoff, at once after an admin fixes the URL, and records a job run twice once', async () => {
    const res = await w.request('POST', '/api/admin/webhooks', { token: admin, body: { url: 'https://203.0.113.9/old', events: ['need.status_changed'] } });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const needs = [randomUUID(), randomUUID()];
    for (const needId of needs) {
      await publisher.publish([scope.dispatch], { type: 'need.status_changed', needId, householdId: w.grid.h1, status: 'accepted', previousStatus: 'submitted' });
    }

    expect(await dispatchDue(deps())).toBe(1);
    const [first] = take();
    expect(first).toMatchObject({ data: { endpointId: id, attempt: 0 }, delayMs: 0 });

    // The receiver fails: the same head's next attempt is asked for after the backoff.
    expect(await deliverHead(deps(), first!.data)).toBe('failed');
    const [retry] = take();
    expect(retry).toMatchObject({ data: { endpointId: id, deliveryId: first!.data.deliveryId, attempt: 1, generation: first!.data.generation }, delayMs: 60_000 });
    await dispatchDue(deps());
    expect(take()[0]?.delayMs).toBeGreaterThan(50_000);

    // An admin points it elsewhere: due at once, under a new generation; the delayed job is stale.
    const fixed = await w.request('PATCH', `/api/admin/webhooks/${id}`, { token: admin, body: { url: 'https://203.0.113.9/new' } });
    expect(fixed.status).toBe(200);
    await dispatchDue(deps());
    const [now] = take();
    expect(now).toMatchObject({ data: { deliveryId: first!.data.deliveryId, attempt: 1 }, delayMs: 0 });
    expect(now!.data.generation).not.toBe(first!.data.generation);
    expect(await deliverHead(deps(), retry!.data)).toBe('stale');
    expect(sent).toHaveLength(1);
    take();

    answer = { ok: true, statusCode: 204, latencyMs: 2, error: null };
    expect(await deliverHead(deps(), now!.data)).toBe('delivered');
    expect(sent.at(-1)?.url).toBe('https://203.0.113.9/new');
    expect(JSON.parse(sent.at(-1)!.body)).toMatchObject({ data: { needId: needs[0] } });
    // Then the next event, at once.
    const [second] = take();
    expect(second).toMatchObject({ data: { attempt: 0, generation: now!.data.generation }, delayMs: 0 });
    expect(second!.data.deliveryId).not.toBe(first!.data.deliveryId);

    // The same job run twice at once (a stalled job retaken): both may send, one attempt is recorded.
    const outcomes = await Promise.all([deliverHead(deps(), second!.data), deliverHead(deps(), second!.data)]);
    expect(outcomes).toContain('delivered');
    const log = (await (await w.request('GET', `/api/admin/webhooks/${id}/deliveries`, { token: admin })).json()) as { deliveries: { status: string; attempts: number; lastStatusCode: number }[] };
    expect(log.deliveries.map((d) => [d.status, d.attempts, d.lastStatusCode])).toEqual([['delivered', 1, 204], ['delivered', 2, 204]]);
    take();
    expect(await dispatchDue(deps())).toBe(0);
  });
});
