/**
 * Notices (issue #19, item 2), end to end on the real PostgreSQL and Redis with real local HTTP
 * servers: a fake SMS gateway and a push endpoint on 127.0.0.1 (allowed by NOTICE_ALLOW_HOSTS).
 * Events are produced by the code that produces them in service (the need status relay's
 * storeMany, the driver's stop and position reports through round tracking, the pass alerts), the
 * notices worker expands and sends them. Checked: SMS with the right template and language, one
 * ETA only after a re-plan, a person with SMS off gets none, quiet hours hold a routine notice
 * but not an emergency one, the unit chief hears of the van 10 minutes out, web push arrives as
 * the Web Push protocol says (VAPID JWT verified, aes128gcm body decrypted here with the
 * subscription's private key), and the logs never show a full phone number.
 */
import { createECDH, createPublicKey, randomBytes, randomUUID, verify } from 'node:crypto';
import { createRequire } from 'node:module';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config';
import { batchId, scope, type LiveEvent } from '../../src/contracts/events';
import type { Actor } from '../../src/domain/access';
import { createAccount } from '../../src/services/access/auth-accounts.service';
import { createRoundTracking } from '../../src/services/live-status/live-directory.service';
import { createLivePublisher, type LivePublisher } from '../../src/services/live-status/live.service';
import { createPassAlerts, storeOnlyStream } from '../../src/services/passes/pass-alerts';
import { dispatchRound } from '../../src/services/rounds/round.service';
import { ManualClock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import type { Db } from '../../src/store/db';
import { buildApp } from '../../src/http/app';
import { tablesReadWhole } from './seq-scans';
import { createAppServer } from '../../src/http/server';
import { startNoticeWorker, type NoticeWorker } from '../../workers/notice-worker';
import { FAST_SCRYPT, PASSWORD, startWorld, type World } from './auth.fixture';
import { REDIS_URL, dropPrefix, freePort, uniquePrefix, until } from './queue.fixtures';

const ece = createRequire(import.meta.url)('http_ece') as { decrypt(body: Buffer, params: { version: string; privateKey: unknown; authSecret: string }): Buffer };

interface Received { path: string; headers: IncomingHttpHeaders; body: Buffer }

class Receiver {
  readonly received: Received[] = [];
  private server: Server | undefined;
  /** `answer`: the status for every request, or per path (a push service that says a subscription is gone). */
  constructor(readonly port: number, private readonly answer: number | ((path: string) => number) = 201) {}
  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(typeof this.answer === 'number' ? this.answer : this.answer(req.url ?? '')).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }
  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const PHONE_A = '+8613800000101';
const PHONE_H2 = '+8613800000202';
const PHONE_CHIEF = '+8613800000303';
const PHONE_STAFF = '+8613800000404';
// Noon in Shanghai.
const clock = new ManualClock('2026-12-03T04:00:00Z');
const prefix = uniquePrefix('notices');
const logLines: string[] = [];
const vapid = webpush.generateVAPIDKeys();
const browser = createECDH('prime256v1');
browser.generateKeys();
const authSecret = randomBytes(16).toString('base64url');

let w: World;
let sms: Receiver;
let push: Receiver;
let worker: NoticeWorker;
let publisher: LivePublisher;
let db: Db;
const ids: Record<'residentB' | 'residentC', string> = { residentB: '', residentC: '' };

type Sms = { to: string; text: string };
const smsTo = (phone: string): Sms[] => sms.received.map((r) => JSON.parse(r.body.toString('utf8')) as Sms).filter((m) => m.to === phone);

async function loginAs(username: string): Promise<string> {
  const res = await w.request('POST', '/api/auth/login', { body: { username, password: PASSWORD } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

async function setPrefs(token: string, prefs: Record<string, unknown>): Promise<void> {
  const res = await w.request('PUT', '/api/me/notices', { token, body: { language: 'en', channels: ['sms'], quietHours: null, timeZone: 'Asia/Shanghai', ...prefs } });
  expect(res.status, await res.clone().text()).toBe(200);
}

/** Waits until every captured event is expanded and no notice due now is pending. */
async function settled(): Promise<void> {
  await until(async () => {
    await worker.poll();
    const r = await sql<{ events: string; pending: string }>`select
      (select count(*) from notice_events where expanded_at is null) as events,
      (select count(*) from notices where status = 'pending' and not_before <= ${clock.now()}) as pending`.execute(db);
    return r.rows[0]!.events === '0' && r.rows[0]!.pending === '0';
  }, 20_000);
}

const noticeRows = async (userId: string, kind: string) =>
  (await sql<{ channel: string; status: string; suppressed_reason: string | null; not_before: Date }>`select channel, status, suppressed_reason, not_before from notices where user_id = ${userId} and kind = ${kind} order by id`.execute(db)).rows;

beforeAll(async () => {
  sms = new Receiver(await freePort(), 200);
  push = new Receiver(await freePort(), (path) => (path === '/push/gone' ? 410 : 201));
  await Promise.all([sms.start(), push.start()]);
  const env = {
    QUEUE_PREFIX: prefix, REDIS_URL, WORKER_DRAIN_DELAY_S: '0.05',
    NOTICE_SMS_URL: `http://127.0.0.1:${sms.port}/send`, NOTICE_SMS_AUTH_HEADER: 'Authorization: Bearer gateway-token',
    NOTICE_ALLOW_HOSTS: `127.0.0.1:${sms.port},127.0.0.1:${push.port}`,
    NOTICE_VAPID_PUBLIC_KEY: vapid.publicKey, NOTICE_VAPID_PRIVATE_KEY: vapid.privateKey, NOTICE_VAPID_SUBJECT: 'mailto:ops@example.org',
    NOTICE_DEFAULT_QUIET_HOURS: 'off', NOTICE_POLL_MS: '50', NOTICE_BACKOFF_MS: '50',
  };
  w = await startWorld('notices', { env, clock });
  db = w.database.db;
  const sink = new Writable({ write(chunk: Buffer, _enc, done) { logLines.push(chunk.toString('utf8')); done(); } });
  const logger = createLogger({ level: 'debug', destination: sink });
  publisher = createLivePublisher({ db, stream: storeOnlyStream, clock, logger });
  worker = startNoticeWorker(loadConfig({ NODE_ENV: 'test', ...env }), logger, db, { clock });
  const make = async (name: string, householdId: string) =>
    (await createAccount(w.deps, { username: `${name}.notices`, password: PASSWORD, role: 'resident', assignments: { householdId } }, { scryptCost: FAST_SCRYPT })).id;
  ids.residentB = await make('residentb', w.grid.h1);
  ids.residentC = await make('residentc', w.grid.h2);
  await sql`update households set phone = '+8613800000999' where id = ${w.grid.h1}`.execute(db);
  await sql`update households set phone = ${PHONE_H2} where id = ${w.grid.h2}`.execute(db);
}, 60_000);

afterAll(async () => {
  await worker?.close();
  await Promise.all([sms?.stop(), push?.stop()]);
  await w?.close();
  await dropPrefix(REDIS_URL, prefix);
});

describe('notices', () => {
  it('sends SMS in each person’s language with the gateway’s auth, not to one who turned SMS off; and web push as the protocol says', async () => {
    const a = await w.login('resident');
    await setPrefs(a, { language: 'en', channels: ['sms', 'webpush'], smsPhone: PHONE_A });
    // Resident B of the same household turned SMS off: the household phone gets nothing for them.
    await setPrefs(await loginAs('residentb.notices'), { channels: ['inapp'] });
    // Resident C never chose: the defaults (zh-CN, every channel) and the household phone.
    const sub = await w.request('POST', '/api/me/push-subscriptions', {
      token: a, body: { endpoint: `http://127.0.0.1:${push.port}/push/abc`, expirationTime: null, keys: { p256dh: browser.getPublicKey('base64url'), auth: authSecret } },
    });
    expect(sub.status, await sub.clone().text()).toBe(201);

    const [n1, n2] = [randomUUID(), randomUUID()];
    const event = (needId: string, householdId: string): LiveEvent => ({ type: 'need.status_changed', needId, householdId, status: 'accepted', previousStatus: 'submitted', kind: 'medicine' });
    // As the need status relay stores them: several in one transaction.
    await db.transaction().execute((trx) => publisher.storeMany(trx, [
      { scopes: [scope.household(w.grid.h1)], event: event(n1, w.grid.h1) },
      { scopes: [scope.household(w.grid.h2)], event: event(n2, w.grid.h2) },
    ]));
    await settled();

    const ref = (id: string) => id.replace(/-/g, '').slice(0, 8).toUpperCase();
    expect(smsTo(PHONE_A)).toEqual([{ to: PHONE_A, text: `Cordon: your request ${ref(n1)} is accepted. We will tell you when it is on its way.` }]);
    expect(smsTo(PHONE_H2)).toEqual([{ to: PHONE_H2, text: `【Cordon】您的申请 ${ref(n2)} 已受理，配送出发时会再通知您。` }]);
    expect(smsTo('+8613800000999')).toEqual([]);
    expect(await noticeRows(ids.residentB, 'need_accepted')).toEqual([]);
    expect(sms.received[0]!.headers.authorization).toBe('Bearer gateway-token');
    expect(sms.received[0]!.headers['content-type']).toMatch(/^application\/json/);
    // Nothing medical: the need's kind (medicine) is in no message.
    expect(sms.received.map((r) => r.body.toString())).not.toContainEqual(expect.stringMatching(/medicine|药/i));

    // Web push: one request to A's endpoint, signed with VAPID, encrypted for A's browser.
    await until(() => push.received.length >= 1, 10_000);
    const req = push.received[0]!;
    expect(req.path).toBe('/push/abc');
    expect(req.headers['content-encoding']).toBe('aes128gcm');
    expect(req.headers.ttl).toBe('3600');
    const auth = /^vapid t=([^,]+), ?k=(.+)$/.exec(String(req.headers.authorization));
    expect(auth?.[2]).toBe(vapid.publicKey);
    const [head, claims, signature] = auth![1]!.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(claims, 'base64url').toString()) as { aud: string; sub: string; exp: number };
    expect(payload).toMatchObject({ aud: `http://127.0.0.1:${push.port}`, sub: 'mailto:ops@example.org' });
    const raw = Buffer.from(vapid.publicKey, 'base64url');
    const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') }, format: 'jwk' });
    expect(verify('sha256', Buffer.from(`${head}.${claims}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))).toBe(true);
    const clear = JSON.parse(ece.decrypt(req.body, { version: 'aes128gcm', privateKey: browser, authSecret }).toString('utf8')) as Record<string, unknown>;
    expect(clear).toMatchObject({ title: 'Request accepted', kind: 'need_accepted', body: expect.stringContaining(ref(n1)) });
    // A body encrypted for another browser does not decrypt (the check above can fail).
    const other = createECDH('prime256v1');
    other.generateKeys();
    expect(() => ece.decrypt(req.body, { version: 'aes128gcm', privateKey: other, authSecret })).toThrow();

    // Logs: the masked number, never the full one.
    const logs = logLines.join('');
    expect(logs).toContain('***101');
    expect(logs).not.toContain('13800000101');
    expect(logs).not.toContain('13800000202');
  });

  it('tells the next stop’s household its ETA when the van leaves a stop, once, even after a re-plan; the unit chief hears of the van 10 minutes out', async () => {
    const chief = await w.login('coordinator');
    await setPrefs(chief, { smsPhone: PHONE_CHIEF });
    const depot = w.grid.depot;
    const vehicle = (await sql<{ id: string }>`insert into vehicles (depot_id, name, capacity) values (${depot}, 'van', '{"bags": 40}') returning id`.execute(db)).rows[0]!.id;
    const roundId = (await sql<{ id: string }>`insert into rounds (area_id, kind, status, time_limit_ms, created_by) values (${w.grid.m1}, 'food', 'approved', 1000, 'test') returning id`.execute(db)).rows[0]!.id;
    await sql`insert into round_trips (round_id, id, vehicle_id, depot_id, trip_no, subproblem_id, distance_m, duration_s, driver_id)
      values (${roundId}, 't1', ${vehicle}, ${depot}, 1, 's1', 0, 0, ${w.grid.d1})`.execute(db);
    const stops: string[] = [];
    for (const [seq, household] of [[1, w.grid.h1], [2, w.grid.h2]] as const) {
      const stopId = (await sql<{ id: string }>`insert into round_stops (round_id, trip_id, seq, corridor_id, planned_start_s) values (${roundId}, 't1', ${seq}, ${w.grid.c1}, ${seq * 600}) returning id::text as id`.execute(db)).rows[0]!.id;
      const need = (await sql<{ id: string }>`insert into needs (household_id, corridor_id, community_id, kind, identity_key, details, status, created_by)
        values (${household}, ${w.grid.c1}, ${w.grid.m1}, 'rice', ${`k${seq}`}, '{}', 'planned', 'test') returning id`.execute(db)).rows[0]!.id;
      await sql`insert into round_bags (round_id, bag_id, stop_id, need_id, item) values (${roundId}, ${`bag${seq}`}, ${stopId}::bigint, ${need}, 'rice')`.execute(db);
      stops.push(stopId);
    }
    await dispatchRound(db, roundId, 'dispatcher', clock);
    const batch = batchId(roundId, 't1');
    const tracking = createRoundTracking({ db, publisher, clock });
    const driver: Actor = { userId: w.users.driver.id, role: 'driver', driverId: w.grid.d1, corridorIds: [], communityIds: [] };

    // The van leaves stop 1 (delivered): household 1 hears it was handed over, household 2 its ETA.
    expect(await tracking.reportStop(driver, { outcome: 'delivered', batchId: batch, stopId: stops[0]!, bagIds: ['bag1'] })).toEqual({ ok: true });
    await settled();
    expect(smsTo(PHONE_A).at(-1)?.text).toBe('Cordon: your delivery (1 bags) was handed over at C1.');
    // Both stops sit at the households' place: ETA now (12:00), window from 11:45 (quarter at or before ETA - 10 min).
    expect(smsTo(PHONE_H2).map((m) => m.text)).toContain('【Cordon】您的物资正送往C1，预计 11:45 至 12:15 送达。');
    const etaCount = () => smsTo(PHONE_H2).filter((m) => m.text.includes('预计')).length;
    expect(etaCount()).toBe(1);

    // A re-plan of the batch (an urgent stop inserted): the ETA is computed again, the same window, not sent again.
    clock.advance(3 * 60_000);
    await publisher.publish([scope.driver(w.grid.d1), scope.batch(batch)], { type: 'driver.batches_changed', driverId: w.grid.d1, cause: 'urgent_inserted', roundId, batchIds: [batch] });
    await settled();
    expect(etaCount()).toBe(1);
    expect((await noticeRows(ids.residentC, 'delivery_eta')).map((r) => r.status)).toEqual(['sent']);

    // The van's position: stop 2 within 10 minutes, so the corridor's unit chief is told; once, though it reports again.
    await tracking.reportPosition(driver, { batchId: batch, lat: 31.2, lon: 121.4 });
    await tracking.reportPosition(driver, { batchId: batch, lat: 31.2, lon: 121.4 });
    await settled();
    expect(smsTo(PHONE_CHIEF).map((m) => m.text)).toEqual(['Cordon: a delivery van reaches C1 in about 10 minutes (around 12:03).']);
  });

  it("finds a corridor's unit chiefs through indexes, not by reading every assignment and every account", async () => {
    const lookup = sql`select u.username from coordinator_assignments ca join users u on u.id = ca.user_id where ca.corridor_id = ${w.grid.c1}`;
    expect(await tablesReadWhole(db, lookup.compile(db))).toEqual([]);
  });

  it('holds a routine notice in quiet hours until they end, but sends an emergency at once', async () => {
    const staff = await w.login('community_staff');
    // Quiet from 11:00 to 13:00 Shanghai; now is about 12:03.
    await setPrefs(staff, { smsPhone: PHONE_STAFF, quietHours: { from: '11:00', until: '13:00' } });
    const alerts = createPassAlerts(publisher, createLogger({ level: 'silent' }));
    const [passId, caseId] = [randomUUID(), randomUUID()];
    await alerts.alert('pass_overdue', { id: passId, householdId: w.grid.h1, communityId: w.grid.m1 }, clock.now());
    await alerts.alert('emergency_accepted', { id: caseId, householdId: w.grid.h1, communityId: w.grid.m1 }, clock.now());
    await settled();
    const texts = () => smsTo(PHONE_STAFF).map((m) => m.text);
    expect(texts()).toEqual([expect.stringMatching(/^Cordon: emergency case [0-9A-F]{8} in M1 needs attention now\.$/)]);
    const held = await noticeRows(w.users.community_staff.id, 'pass_overdue');
    expect(held).toMatchObject([{ channel: 'sms', status: 'pending' }]);
    expect(held[0]!.not_before.toISOString()).toBe('2026-12-03T05:00:00.000Z');

    // 13:01: the quiet hours are over and the held notice goes out.
    clock.set('2026-12-03T05:01:00Z');
    await settled();
    expect(texts()).toHaveLength(2);
    expect(texts()[1]).toMatch(/^Cordon: hospital pass [0-9A-F]{8} of M1 is overdue\. Please follow up\.$/);
  });

  it('refuses a push endpoint on an internal address, and lets only admins read and preview templates', async () => {
    const a = await w.login('resident');
    const bad = await w.request('POST', '/api/me/push-subscriptions', {
      token: a, body: { endpoint: 'https://169.254.169.254/latest', keys: { p256dh: browser.getPublicKey('base64url'), auth: authSecret } },
    });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('endpoint');
    expect((await w.request('GET', '/api/admin/notices/templates', { token: a })).status).toBe(403);
    const admin = await w.login('admin');
    const list = (await (await w.request('GET', '/api/admin/notices/templates', { token: admin })).json()) as { templates: { kind: string; language: string }[] };
    expect(list.templates).toContainEqual(expect.objectContaining({ kind: 'delivery_eta', language: 'zh-CN' }));
    const preview = await w.request('POST', '/api/admin/notices/templates/preview', {
      token: admin, body: { kind: 'delivery_failed', language: 'en', values: { gate: 'Gate 4', reason: 'access_blocked', extra: 'x' } },
    });
    expect(await preview.json()).toEqual({
      title: 'Delivery not made', text: 'Cordon: your delivery to Gate 4 could not be made: the way in was blocked. It will come with a later round.', unknownValues: ['extra'],
    });
  });

  it('turns push off on a device: the caller’s subscription is deleted, no one else’s; one the push service says is gone (410) is deleted when sending', async () => {
    const a = await w.login('resident');
    const keys = { p256dh: browser.getPublicKey('base64url'), auth: authSecret };
    const endpoint = (path: string) => `http://127.0.0.1:${push.port}${path}`;
    const subscribe = async (path: string) => expect((await w.request('POST', '/api/me/push-subscriptions', { token: a, body: { endpoint: endpoint(path), keys } })).status).toBe(201);
    const endpointsOf = async (userId: string) => (await sql<{ endpoint: string }>`select endpoint from push_subscriptions where user_id = ${userId} order by endpoint`.execute(db)).rows.map((r) => r.endpoint);
    const unsubscribe = async (token: string, path: string) => {
      const res = await w.request('DELETE', '/api/me/push-subscriptions', { token, body: { endpoint: endpoint(path) } });
      expect(res.status, await res.clone().text()).toBe(200);
      return ((await res.json()) as { removed: number }).removed;
    };
    await subscribe('/push/abc');
    await subscribe('/push/gone');
    await subscribe('/push/other-device');
    const residentA = w.users.resident.id;
    expect(await endpointsOf(residentA)).toEqual([endpoint('/push/abc'), endpoint('/push/gone'), endpoint('/push/other-device')]);

    // Someone else naming A's device deletes nothing.
    expect(await unsubscribe(await loginAs('residentb.notices'), '/push/other-device')).toBe(0);
    // A turns push off on that device: gone, the others stay; again, nothing left to delete, still fine.
    expect(await unsubscribe(a, '/push/other-device')).toBe(1);
    expect(await unsubscribe(a, '/push/other-device')).toBe(0);
    expect(await endpointsOf(residentA)).toEqual([endpoint('/push/abc'), endpoint('/push/gone')]);
    const refused = await w.request('DELETE', '/api/me/push-subscriptions', { token: a, body: { endpoint: endpoint('/push/abc'), extra: 1 } });
    expect(refused.status).toBe(422);

    // A notice for A: the push service answers 410 for /push/gone, so that subscription is deleted; /push/abc took it.
    const sentBefore = push.received.length;
    const needId = randomUUID();
    await publisher.publish([scope.household(w.grid.h1)], { type: 'need.status_changed', needId, householdId: w.grid.h1, status: 'accepted', previousStatus: 'submitted', kind: 'rice' });
    await settled();
    expect(push.received.slice(sentBefore).map((r) => r.path).sort()).toEqual(['/push/abc', '/push/gone']);
    expect(await endpointsOf(residentA)).toEqual([endpoint('/push/abc')]);
    expect((await noticeRows(residentA, 'need_accepted')).filter((r) => r.channel === 'webpush').map((r) => r.status)).toEqual(['sent', 'sent']);
  });

  it('tells the first stop’s households their ETA when the driver reports leaving the depot, once, though the report is replayed and the batch re-planned', async () => {
    // The API with the live publisher (the world's own has none), so the report publishes trip.departed.
    const server = createAppServer(buildApp({ ...w.deps, live: publisher }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const api = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const depot = w.grid.depot;
      const vehicle = (await sql<{ id: string }>`insert into vehicles (depot_id, name, capacity) values (${depot}, 'van 2', '{"bags": 40}') returning id`.execute(db)).rows[0]!.id;
      const roundId = (await sql<{ id: string }>`insert into rounds (area_id, kind, status, time_limit_ms, created_by) values (${w.grid.m1}, 'food', 'approved', 1000, 'test') returning id`.execute(db)).rows[0]!.id;
      await sql`insert into round_trips (round_id, id, vehicle_id, depot_id, trip_no, subproblem_id, distance_m, duration_s, driver_id)
        values (${roundId}, 't1', ${vehicle}, ${depot}, 1, 's1', 0, 0, ${w.grid.d1})`.execute(db);
      // First stop: household 2 (resident C, the defaults: zh-CN, SMS to the household phone); second: household 1.
      for (const [seq, household] of [[1, w.grid.h2], [2, w.grid.h1]] as const) {
        const stopId = (await sql<{ id: string }>`insert into round_stops (round_id, trip_id, seq, corridor_id, planned_start_s) values (${roundId}, 't1', ${seq}, ${w.grid.c1}, ${seq * 600}) returning id::text as id`.execute(db)).rows[0]!.id;
        const need = (await sql<{ id: string }>`insert into needs (household_id, corridor_id, community_id, kind, identity_key, details, status, created_by)
          values (${household}, ${w.grid.c1}, ${w.grid.m1}, 'rice', ${`dep${seq}`}, '{}', 'planned', 'test') returning id`.execute(db)).rows[0]!.id;
        await sql`insert into round_bags (round_id, bag_id, stop_id, need_id, item) values (${roundId}, ${`dbag${seq}`}, ${stopId}::bigint, ${need}, 'rice')`.execute(db);
      }
      const etasOfRound = async (userId: string) =>
        (await sql<{ channel: string; status: string }>`select channel, status from notices where user_id = ${userId} and kind = 'delivery_eta' and dedup_key like ${`delivery_eta:${roundId}:%`}`.execute(db)).rows;
      const depart = async (token: string) => {
        const res = await fetch(`${api}/api/rounds/${roundId}/trips/t1/departure`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
        return { status: res.status, body: (await res.json()) as { replayed?: boolean; departure?: { departedAt: string; batchId: string } } };
      };
      const driverToken = await w.login('driver');

      // Not dispatched yet: refused, nothing stored.
      expect((await depart(driverToken)).status).toBe(409);
      await dispatchRound(db, roundId, 'dispatcher', clock);
      // A dispatcher may record it for the driver, another role may not.
      expect((await depart(await w.login('coordinator'))).status).toBe(403);

      const smsBefore = smsTo(PHONE_H2).length;
      const first = await depart(driverToken);
      expect(first).toMatchObject({ status: 200, body: { replayed: false, departure: { departedAt: clock.now().toISOString(), batchId: batchId(roundId, 't1') } } });
      await settled();
      // Resident C hears the ETA window of the first stop; household 1 (the second stop) nothing yet.
      const texts = smsTo(PHONE_H2).slice(smsBefore).map((m) => m.text);
      expect(texts).toEqual([expect.stringMatching(/^【Cordon】您的物资正送往C1，预计 \d\d:\d\d 至 \d\d:\d\d 送达。$/)]);
      expect(await etasOfRound(ids.residentC)).toEqual([{ channel: 'sms', status: 'sent' }]);
      expect(await etasOfRound(w.users.resident.id)).toEqual([]);
      // The desk and the gate see the van leave.
      const scopes = (await sql<{ scope: string }>`select scope from live_events where type = 'trip.departed' and payload->>'roundId' = ${roundId} order by scope`.execute(db)).rows.map((r) => r.scope);
      expect(scopes).toEqual([`batch:${batchId(roundId, 't1')}`, `corridor:${w.grid.c1}`, 'dispatch']);

      // The phone replays its queue: the stored departure answers, nothing is published or sent again.
      clock.advance(2 * 60_000);
      expect(await depart(driverToken)).toMatchObject({ status: 200, body: { replayed: true, departure: { departedAt: first.body.departure!.departedAt } } });
      // A re-plan of the batch before any stop: the ETA is computed again from the departure, the same window, not sent again.
      await publisher.publish([scope.driver(w.grid.d1), scope.batch(batchId(roundId, 't1'))], { type: 'driver.batches_changed', driverId: w.grid.d1, cause: 'urgent_inserted', roundId, batchIds: [batchId(roundId, 't1')] });
      await settled();
      expect(smsTo(PHONE_H2).length).toBe(smsBefore + 1);
      expect(await etasOfRound(ids.residentC)).toEqual([{ channel: 'sms', status: 'sent' }]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
