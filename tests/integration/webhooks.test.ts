/**
 * Outbound webhooks (issue #19, item 1), end to end on the real PostgreSQL and Redis with a real
 * HTTP receiver on 127.0.0.1 (allowed by WEBHOOK_ALLOW_HOSTS for its port only): live events
 * published as the services publish them reach the endpoints subscribed to them, signed per
 * Standard Webhooks (verified here independently of the code under test); a receiver that answers
 * 503 and then is closed gets every event later, in order; an endpoint that keeps failing is
 * disabled after WEBHOOK_MAX_FAILURES attempts (alert, audit) and delivers its queue once switched
 * back on; SSRF targets are refused at registration naming `url`; only admins manage endpoints.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config';
import { scope, type LiveEvent } from '../../src/contracts/events';
import { createLivePublisher, type LivePublisher } from '../../src/services/live-status/live.service';
import { storeOnlyStream } from '../../src/services/passes/pass-alerts';
import { createLogger } from '../../src/shared/logger';
import { pendingHeads } from '../../src/store/webhook-delivery.repository';
import { startWebhookWorker, type WebhookWorker } from '../../workers/webhook-worker';
import { startWorld, type World } from './auth.fixture';
import { REDIS_URL, dropPrefix, freePort, uniquePrefix, until } from './queue.fixtures';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

/** The receiver: records every request; each path answers 200 unless told to fail. */
class Receiver {
  readonly received: Received[] = [];
  readonly failing = new Set<string>();
  private server: Server | undefined;
  constructor(readonly port: number) {}
  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const answered = this.failing.has(req.url ?? '') ? 503 : 200;
        this.received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered });
        res.writeHead(answered).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }
  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
  at(path: string, answered?: number): Received[] {
    return this.received.filter((r) => r.path === path && (answered === undefined || r.answered === answered));
  }
}

/** Standard Webhooks verification, written from the spec (not from the code under test). */
function verify(secret: string, r: Received): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signed = `${String(r.headers['webhook-id'])}.${String(r.headers['webhook-timestamp'])}.${r.body}`;
  const expected = `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
  const fresh = Math.abs(Date.now() / 1000 - Number(r.headers['webhook-timestamp'])) < 300;
  return fresh && String(r.headers['webhook-signature']).split(' ').includes(expected);
}

const MAX_FAILURES = 8;
let w: World;
let receiver: Receiver;
let worker: WebhookWorker;
let publisher: LivePublisher;
let admin: string;
let base: string;
const prefix = uniquePrefix('webhooks');

beforeAll(async () => {
  receiver = new Receiver(await freePort());
  await receiver.start();
  base = `http://127.0.0.1:${receiver.port}`;
  const env = {
    WEBHOOK_ALLOW_HOSTS: `127.0.0.1:${receiver.port}`, QUEUE_PREFIX: prefix, REDIS_URL, WEBHOOK_POLL_MS: '50',
    WEBHOOK_BACKOFF_MS: '100', WEBHOOK_BACKOFF_MAX_MS: '400', WEBHOOK_MAX_FAILURES: String(MAX_FAILURES), WEBHOOK_TIMEOUT_MS: '5000',
    WORKER_DRAIN_DELAY_S: '0.05',
  };
  w = await startWorld('webhooks', { env });
  const logger = createLogger({ level: 'silent' });
  publisher = createLivePublisher({ db: w.database.db, stream: storeOnlyStream, clock: w.clock, logger });
  worker = startWebhookWorker(loadConfig({ NODE_ENV: 'test', ...env }), logger, w.database.db, { publisher });
  admin = await w.login('admin');
}, 60_000);

afterAll(async () => {
  await worker?.close();
  await receiver?.stop();
  await w?.close();
  await dropPrefix(REDIS_URL, prefix);
});

interface Created { id: string; secret: string; secretHint: string; url: string; enabled: boolean }

async function register(path: string, events: string[], secret?: string): Promise<Created> {
  const res = await w.request('POST', '/api/admin/webhooks', { token: admin, body: { url: base + path, events, ...(secret ? { secret } : {}) } });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Created;
}

const needEvent = (needId: string, status: 'accepted' | 'delivered' = 'accepted'): LiveEvent => ({
  type: 'need.status_changed', needId, householdId: w.grid.h1, status, previousStatus: 'submitted', kind: 'medicine',
});

/** Published as the need status relay does: several events in one transaction. */
async function publishNeeds(needIds: string[]): Promise<void> {
  await w.database.db.transaction().execute((trx) =>
    publisher.storeMany(trx, needIds.map((id) => ({ scopes: [scope.dispatch, scope.household(w.grid.h1)], event: needEvent(id) }))));
}

const bodyOf = (r: Received) => JSON.parse(r.body) as { id: string; type: string; occurredAt: string; data: Record<string, unknown> };
const needIdsAt = (path: string, answered = 200) => receiver.at(path, answered).map((r) => bodyOf(r).data.needId);

async function deliveries(id: string): Promise<{ id: string; status: string; attempts: number; lastStatusCode: number | null; lastLatencyMs: number | null; lastError: string | null; eventId: string; redeliveryOf: string | null }[]> {
  const res = await w.request('GET', `/api/admin/webhooks/${id}/deliveries`, { token: admin });
  expect(res.status).toBe(200);
  return ((await res.json()) as { deliveries: never[] }).deliveries;
}

describe('outbound webhooks', () => {
  it('delivers a need event and a round event, signed per Standard Webhooks, ids only; the secret is shown once', async () => {
    const given = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const needs = await register('/signed-needs', ['need.status_changed'], given);
    const both = await register('/signed-both', ['need.status_changed', 'round.proposed']);
    expect(needs.secret).toBe(given);
    expect(both.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(both.secret.slice(6), 'base64').length).toBe(32);

    // Never again: the list shows a hint, not the secret.
    const list = await (await w.request('GET', '/api/admin/webhooks', { token: admin })).text();
    expect(list).not.toContain(both.secret);
    expect(list).not.toContain(given);
    expect(list).toContain(both.secretHint);

    const needId = randomUUID();
    const roundId = randomUUID();
    await publishNeeds([needId]);
    await publisher.publish([scope.dispatch], { type: 'round.proposed', roundId, batchCount: 2, stopCount: 9, bagCount: 30, unassignedCount: 1 });

    await until(() => receiver.at('/signed-both', 200).length >= 2 && receiver.at('/signed-needs', 200).length >= 1, 20_000);
    const [need, round] = receiver.at('/signed-both', 200);
    expect(verify(both.secret, need!)).toBe(true);
    expect(verify(both.secret, round!)).toBe(true);
    expect(verify(given, receiver.at('/signed-needs', 200)[0]!)).toBe(true);
    // A wrong secret does not verify (the check above can fail).
    expect(verify(given, need!)).toBe(false);

    expect(need!.headers['content-type']).toBe('application/json');
    expect(bodyOf(need!)).toEqual({
      id: need!.headers['webhook-id'], type: 'need.status_changed', occurredAt: expect.any(String),
      data: { needId, householdId: w.grid.h1, status: 'accepted', previousStatus: 'submitted', kind: 'medicine' },
    });
    expect(bodyOf(round!)).toMatchObject({ type: 'round.proposed', data: { roundId, batchCount: 2, stopCount: 9, bagCount: 30, unassignedCount: 1 } });
    // The need-only endpoint never got the round event.
    expect(receiver.at('/signed-needs').map((r) => bodyOf(r).type)).toEqual(['need.status_changed']);

    // The receiver answered; the worker records each outcome after the answer, so wait for the records.
    await until(async () => (await deliveries(both.id)).every((d) => d.status === 'delivered'), 20_000);
    const log = await deliveries(both.id);
    expect(log.map((d) => d.status)).toEqual(['delivered', 'delivered']);
    expect(log[0]).toMatchObject({ attempts: 1, lastStatusCode: 200, lastError: null });
    expect(log[0]!.lastLatencyMs).toEqual(expect.any(Number));

    // A manual redelivery sends the same event (same webhook-id) once more.
    const needDelivery = log.find((d) => d.eventId === need!.headers['webhook-id'])!;
    const again = await w.request('POST', `/api/admin/webhooks/${both.id}/deliveries/${needDelivery.id}/redeliver`, { token: admin });
    expect(again.status).toBe(202);
    await until(() => receiver.at('/signed-both', 200).length >= 3, 20_000);
    const repeated = receiver.at('/signed-both', 200)[2]!;
    expect(repeated.headers['webhook-id']).toBe(need!.headers['webhook-id']);
    expect(repeated.body).toBe(need!.body);
    expect(verify(both.secret, repeated)).toBe(true);
    await until(async () => (await deliveries(both.id)).some((d) => d.redeliveryOf === needDelivery.id && d.status === 'delivered'), 20_000);
    expect((await deliveries(both.id))[0]).toMatchObject({ redeliveryOf: needDelivery.id, status: 'delivered' });
  });

  it('a receiver that answers 503, then is down, gets every event later, in order', async () => {
    const downPath = '/down';
    const endpoint = await register(downPath, ['need.status_changed']);
    receiver.failing.add(downPath);
    const ids = Array.from({ length: 5 }, () => randomUUID());
    await publishNeeds(ids.slice(0, 2));
    await until(() => receiver.at(downPath, 503).length >= 2, 20_000);
    // Now not even answering: connections refused.
    await receiver.stop();
    await publishNeeds(ids.slice(2, 4));
    await until(async () => ((await deliveries(endpoint.id)).at(-1)?.lastError ?? '').includes('ECONNREFUSED'), 20_000);
    await publishNeeds(ids.slice(4));
    receiver.failing.delete(downPath);
    await receiver.start();

    await until(() => needIdsAt(downPath).length >= 5, 30_000);
    expect(needIdsAt(downPath)).toEqual(ids);
    // Nothing behind the head went out while it failed: every failed attempt was for the first event.
    expect(new Set(receiver.at(downPath, 503).map((r) => bodyOf(r).data.needId))).toEqual(new Set([ids[0]]));
    await until(async () => (await deliveries(endpoint.id)).every((d) => d.status === 'delivered'), 20_000);
    const log = await deliveries(endpoint.id);
    expect(log.every((d) => d.status === 'delivered')).toBe(true);
    expect(log.at(-1)!.attempts).toBeGreaterThanOrEqual(4);
    const view = ((await (await w.request('GET', '/api/admin/webhooks', { token: admin })).json()) as { webhooks: (Created & { consecutiveFailures: number })[] }).webhooks.find((x) => x.id === endpoint.id);
    expect(view).toMatchObject({ enabled: true, consecutiveFailures: 0 });
  });

  it(`a receiver that keeps failing is disabled after ${MAX_FAILURES} attempts, with an alert; switched back on, it gets its queue`, async () => {
    const deadPath = '/dead';
    receiver.failing.add(deadPath);
    const endpoint = await register(deadPath, ['need.status_changed']);
    const ids = [randomUUID(), randomUUID()];
    await publishNeeds(ids);
    const listed = async () => ((await (await w.request('GET', '/api/admin/webhooks', { token: admin })).json()) as { webhooks: (Created & { consecutiveFailures: number; disabledReason: string | null; pendingCount: number })[] }).webhooks.find((x) => x.id === endpoint.id)!;
    await until(async () => !(await listed()).enabled, 30_000);
    const view = await listed();
    expect(view).toMatchObject({ enabled: false, consecutiveFailures: MAX_FAILURES, pendingCount: 2 });
    expect(view.disabledReason).toContain('HTTP 503');
    expect(receiver.at(deadPath)).toHaveLength(MAX_FAILURES);

    // The alert: a live event for the dispatch desk (where admins watch) and an audit row, both written
    // after the endpoint is switched off (the audit row first).
    const alerted = sql<{ n: number }>`select count(*)::int as n from live_events where scope = 'dispatch' and type = 'webhook.disabled' and payload->>'endpointId' = ${endpoint.id}`;
    await until(async () => (await alerted.execute(w.database.db)).rows[0]!.n > 0, 20_000);
    const alerts = await sql<{ payload: { endpointId: string; consecutiveFailures: number } }>`select payload from live_events where scope = 'dispatch' and type = 'webhook.disabled'`.execute(w.database.db);
    expect(alerts.rows.map((r) => r.payload)).toContainEqual(expect.objectContaining({ endpointId: endpoint.id, consecutiveFailures: MAX_FAILURES }));
    const audited = await sql<{ n: string }>`select count(*)::text as n from audit_log where action = 'webhook.disable' and subject_id = ${endpoint.id}`.execute(w.database.db);
    expect(audited.rows[0]?.n).toBe('1');

    // Nothing more is queued while it is off, even with new events about.
    await publishNeeds([randomUUID()]);
    expect((await pendingHeads(w.database.db)).map((h) => h.endpointId)).not.toContain(endpoint.id);
    expect(receiver.at(deadPath)).toHaveLength(MAX_FAILURES);

    receiver.failing.delete(deadPath);
    const on = await w.request('PATCH', `/api/admin/webhooks/${endpoint.id}`, { token: admin, body: { enabled: true } });
    expect(on.status).toBe(200);
    expect(await on.json()).toMatchObject({ enabled: true, consecutiveFailures: 0 });
    await until(() => needIdsAt(deadPath).length >= 2, 20_000);
    // Its queue as it was when disabled: the event published while it was off was not captured for it.
    expect(needIdsAt(deadPath)).toEqual(ids);
  });

  it('refuses SSRF targets at registration with a problem naming url', async () => {
    const otherPort = receiver.port === 65_000 ? 65_001 : 65_000;
    const refused = [
      `http://127.0.0.1:${otherPort}/hook`, 'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/', 'https://10.0.0.1/',
      'https://192.168.1.20/hook', 'https://[::1]/hook', 'https://[fd00::1]/hook', 'https://[::ffff:127.0.0.1]/hook', 'https://localhost/hook',
      `http://203.0.113.9/plain-http`, 'https://user:pw@203.0.113.9/hook',
    ];
    for (const url of refused) {
      const res = await w.request('POST', '/api/admin/webhooks', { token: admin, body: { url, events: ['round.proposed'] } });
      expect(res.status, url).toBe(422);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const problem = (await res.json()) as { errors: { path: string[] }[] };
      expect(problem.errors.map((e) => e.path.join('.')), url).toEqual(['url']);
    }
    // A public address passes (no DNS needed for a literal); a change to a refused one does not.
    const ok = await w.request('POST', '/api/admin/webhooks', { token: admin, body: { url: 'https://203.0.113.9/hook', events: ['round.proposed'] } });
    expect(ok.status).toBe(201);
    const { id } = (await ok.json()) as Created;
    const change = await w.request('PATCH', `/api/admin/webhooks/${id}`, { token: admin, body: { url: 'http://169.254.169.254/' } });
    expect(change.status).toBe(422);
    expect(((await change.json()) as { errors: { path: string[] }[] }).errors[0]?.path).toEqual(['url']);
    expect((await w.request('DELETE', `/api/admin/webhooks/${id}`, { token: admin })).status).toBe(204);
    const audited = await sql<{ action: string }>`select action from audit_log where subject_type = 'webhook' and subject_id = ${id} order by id`.execute(w.database.db);
    expect(audited.rows.map((r) => r.action)).toEqual(['webhook.create', 'webhook.delete']);
  });

  it('checks the address again at delivery: a URL whose name now resolves to loopback is refused when it connects', async () => {
    const endpoint = await register('/moved', ['round.proposed']);
    // As if its name had come to resolve inside (DNS rebinding): localhost is not the allowed 127.0.0.1:<port>.
    await sql`update webhook_endpoints set url = ${`https://localhost:${receiver.port}/moved`} where id = ${endpoint.id}`.execute(w.database.db);
    await publisher.publish([scope.dispatch], { type: 'round.proposed', roundId: randomUUID(), batchCount: 1, stopCount: 1, bagCount: 1, unassignedCount: 0 });
    await until(async () => ((await deliveries(endpoint.id))[0]?.attempts ?? 0) >= 1, 20_000);
    const [attempt] = await deliveries(endpoint.id);
    expect(attempt).toMatchObject({ status: 'pending', lastStatusCode: null });
    expect(attempt!.lastError).toMatch(/localhost resolves to a loopback address/);
    expect(receiver.at('/moved')).toHaveLength(0);
    expect((await w.request('DELETE', `/api/admin/webhooks/${endpoint.id}`, { token: admin })).status).toBe(204);
  });

  it('only admins manage webhooks: a dispatcher gets 403 (audited), nobody signed in 401', async () => {
    const { id } = await register('/authz', ['round.proposed']);
    const dispatcher = await w.login('dispatcher');
    const calls: [string, string, unknown?][] = [
      ['GET', '/api/admin/webhooks'],
      ['POST', '/api/admin/webhooks', { url: `${base}/x`, events: ['round.proposed'] }],
      ['PATCH', `/api/admin/webhooks/${id}`, { events: ['need.status_changed'] }],
      ['DELETE', `/api/admin/webhooks/${id}`],
      ['GET', `/api/admin/webhooks/${id}/deliveries`],
      ['POST', `/api/admin/webhooks/${id}/deliveries/1/redeliver`],
    ];
    for (const [method, path, body] of calls) {
      const res = await w.request(method, path, { token: dispatcher, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect((await w.request(method, path, { token: null, ...(body ? { body } : {}) })).status).toBe(401);
    }
    const denied = await sql<{ n: string }>`select count(*)::text as n from audit_log where actor_id = ${w.users.dispatcher.id} and outcome = 'denied' and subject_type = 'webhook'`.execute(w.database.db);
    expect(Number(denied.rows[0]?.n)).toBe(calls.length);
  });
});
