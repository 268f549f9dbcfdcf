/**
 * Reliability of live status: revocation cuts sockets at once; a client that was away gets every
 * missed event in order (connection state recovery, or `resume` from the event store on another
 * server instance), or `snapshot-required` when too far behind; a worker-like process publishes
 * to clients of every server.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scope, type Envelope, type LiveEvent, type Scope } from '../../src/contracts/events';
import { sql } from 'kysely';
import { setAssignments } from '../../src/services/access/auth-accounts.service';
import { withLiveRevocation } from '../../src/services/live-status/live-revocation';
import type { LivePublisher } from '../../src/services/live-status/live.service';
import { ManualClock } from '../../src/shared/clock';
import { flakyProxy, followScope, liveFixture, request, sleep, until, waitUntilServing, type LiveClient, type LiveFixture } from './live-harness';

let f: LiveFixture;
let urlA: string;
let urlB: string;
let publisher: LivePublisher;
let corridor: Scope;

const step = (n: number): LiveEvent => ({ type: 'round.progress', roundId: `r-${n}`, percent: n % 101, stage: 'routing' });
const ofScope = (c: LiveClient, s: Scope): Envelope[] => c.received.filter((e) => e.scope === s && !(e.event.type === 'round.progress' && e.event.roundId === 'probe'));
const seqs = (es: Envelope[]): number[] => es.map((e) => e.seq);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function coordinatorOn(url: string, token?: string): Promise<{ client: LiveClient; token: string }> {
  const t = token ?? (await f.login('coordinator', { corridorIds: [f.grid.corridors[0]] }));
  const client = await f.connect(url, t);
  expect(await request(client, 'subscribe', { scope: corridor })).toMatchObject({ ok: true });
  return { client, token: t };
}

beforeAll(async () => {
  f = await liveFixture('reliab');
  corridor = scope.corridor(f.grid.corridors[0]);
  urlA = (await f.startServer()).url;
  // Server B: another Socket.IO instance on the same stream, with a short recovery window and replay limit.
  urlB = (await f.startServer({ maxDisconnectionMs: 500, maxReplay: 100 })).url;
  publisher = f.publisher();
  for (const url of [urlA, urlB]) {
    const admin = await f.connect(url, await f.login('admin'));
    await request(admin, 'subscribe', { scope: 'dispatch' });
    await waitUntilServing(publisher, admin, 'dispatch');
    admin.disconnect();
  }
});

afterAll(async () => {
  await f?.close();
});

describe('revocation', () => {
  it('logging out disconnects the session at once; nothing more arrives; it cannot reconnect', async () => {
    const { client, token } = await coordinatorOn(urlA);
    // Another user on the same server and corridor: what reaches it has been sent to that room.
    const control = (await coordinatorOn(urlA)).client;
    // The same user's other session is not touched by this logout.
    const other = await f.connect(urlB, await f.relogin(token));
    const auth = withLiveRevocation(f.auth, publisher);
    const actor = await f.auth.authenticateToken(token);
    expect(actor?.sessionId).toBeTruthy();

    const reason = new Promise<string>((resolve) => client.once('disconnect', (r) => resolve(r)));
    await auth.logout(actor!);
    expect(await reason).toBe('io server disconnect');

    await publisher.publish([corridor], step(1));
    await until(() => ofScope(control, corridor).length === 1, 10_000, 'the event at the control client');
    expect(client.connected).toBe(false);
    expect(ofScope(client, corridor)).toEqual([]);
    control.disconnect();
    await expect(f.connect(urlA, token)).rejects.toThrow('unauthenticated');
    expect(other.connected).toBe(true);
    other.disconnect();
  });

  it('revoking all sessions of a user disconnects each of them, on every server', async () => {
    const token1 = await f.login('coordinator', { corridorIds: [f.grid.corridors[0]] });
    const actor = await f.auth.authenticateToken(token1);
    const a = await f.connect(urlA, token1);
    const b = await f.connect(urlB, token1);
    const gone = (c: LiveClient) => new Promise<string>((resolve) => c.once('disconnect', (r) => resolve(r)));
    const [ra, rb] = [gone(a), gone(b)];
    await withLiveRevocation(f.auth, publisher).revokeAllSessions(actor!.userId, null);
    expect(await ra).toBe('io server disconnect');
    expect(await rb).toBe('io server disconnect');
  });
});

describe('sessions checked again while connected', () => {
  it('a session revoked or expired without the live hook is disconnected at the next check; shrunk assignments leave their rooms', async () => {
    const { url, live } = await f.startServer({ revalidateMs: 300 });
    const { client, token } = await coordinatorOn(url);
    const actor = (await f.auth.authenticateToken(token))!;
    const other = await f.connect(url, await f.login('coordinator', { corridorIds: [f.grid.corridors[0]] }));
    expect(await request(other, 'subscribe', { scope: corridor })).toMatchObject({ ok: true });
    const otherActor = (await f.auth.authenticateToken((other.auth as { token: string }).token))!;
    const control = (await coordinatorOn(url)).client; // still assigned: must keep receiving

    await setAssignments({ db: f.database.db }, otherActor.userId, { corridorIds: [f.grid.corridors[1]] });
    const gone = new Promise<string>((resolve) => client.once('disconnect', (r) => resolve(r)));
    await sql`update sessions set revoked_at = now() where id = ${actor.sessionId!}`.execute(f.database.db);
    expect(await gone).toBe('io server disconnect');

    // At one of its next checks, `other` leaves the corridor it lost (seen on the server: its rooms).
    const inCorridor = () => live.io.sockets.sockets.get(other.id!)?.rooms.has(corridor) ?? false;
    await until(() => !inCorridor(), 10_000, '`other` to leave the corridor');
    await publisher.publish([corridor], step(999));
    await until(() => ofScope(control, corridor).length === 1, 3000, 'control client');
    // Published after `other` left the room: it cannot have been sent to it.
    expect(ofScope(other, corridor)).toEqual([]);
    expect(other.connected).toBe(true);
    other.disconnect();
    control.disconnect();
  });
});

describe('missed events', () => {
  it('a dropped connection is recovered with every event missed during "30 s", in order', async () => {
    const clock = new ManualClock('2026-11-23T10:00:00Z');
    const timed = f.publisher(clock);
    const proxy = await flakyProxy(urlA);
    const { client } = await coordinatorOn(proxy.url);
    client.io.reconnection(false); // reconnect when we say, after the outage
    await timed.publish([corridor], step(0));
    await until(() => ofScope(client, corridor).length === 1, 3000, 'first event');
    const first = ofScope(client, corridor)[0]!.seq;

    // The network drops (not a client-side disconnect, which would end the session).
    const dropped = new Promise<string>((resolve) => client.once('disconnect', (r) => resolve(r)));
    proxy.cut();
    expect(await dropped).toBe('transport close');
    for (let i = 1; i <= 30; i++) {
      clock.advance(1000); // one event a second for 30 s, without waiting 30 s
      await timed.publish([corridor], step(i));
    }
    client.connect();
    await until(() => client.connected, 3000, 'reconnection');
    expect(client.recovered).toBe(true);
    await until(() => ofScope(client, corridor).length === 31, 3000, 'missed events');
    const got = ofScope(client, corridor);
    expect(seqs(got)).toEqual(range(first, first + 30));
    expect(Date.parse(got.at(-1)!.at) - Date.parse(got[0]!.at)).toBe(30_000);
    client.disconnect();
    await proxy.close();
  });

  it('a client that reconnects while events keep flowing ends with every event once, in order', async () => {
    // Recovery races the auth middleware (events broadcast while a recovering socket is being
    // re-authenticated do not reach it): the seq gap shows it and `resume` fills it.
    const proxy = await flakyProxy(urlA);
    const { client } = await coordinatorOn(proxy.url);
    const start = ((await request(client, 'subscribe', { scope: corridor })) as { latestSeq: number }).latestSeq;
    const followed = followScope(client, corridor, start);
    let reconnections = 0;
    client.io.on('reconnect', () => reconnections++);
    for (let i = 1; i <= 60; i++) {
      await publisher.publish([corridor], step(300 + i));
      if (i % 15 === 0) {
        // The network drops four times, each time on a connection the client has made again by
        // itself after the last drop (the events in between went on meanwhile).
        const drops = i / 15;
        await until(() => reconnections >= drops - 1, 10_000, `reconnection ${drops - 1}`);
        proxy.cut();
      }
      // Not a wait for anything: it spreads the events over each reconnection (some while the socket
      // is down, some while it is being re-authenticated, some after), which is the case under test.
      await sleep(5);
    }
    await until(() => reconnections >= 4 && followed.applied.length === 60, 10_000, 'the last reconnection and every event applied');
    expect(seqs(followed.applied)).toEqual(range(start + 1, start + 60));
    client.disconnect();
    await proxy.close();
  });

  it('a client back after the recovery window resumes from the store on another server, in order', async () => {
    const { client, token } = await coordinatorOn(urlA);
    await publisher.publish([corridor], step(100));
    await until(() => ofScope(client, corridor).length === 1, 3000, 'first event');
    const last = ofScope(client, corridor)[0]!.seq;
    client.disconnect();
    for (let i = 1; i <= 40; i++) await publisher.publish([corridor], step(100 + i));

    const back = await f.connect(urlB, token);
    expect(back.recovered).toBe(false);
    const answer = await request(back, 'resume', { scope: corridor, sinceSeq: last });
    if (!answer.ok) throw new Error(`resume refused: ${answer.error}`);
    expect(seqs(answer.events)).toEqual(range(last + 1, last + 40));
    expect(answer.events.map((e) => (e.event.type === 'round.progress' ? e.event.roundId : ''))).toEqual(range(101, 140).map((n) => `r-${n}`));
    // Resume also rejoined the scope: live events keep coming.
    await publisher.publish([corridor], step(141));
    await until(() => ofScope(back, corridor).some((e) => e.seq === last + 41), 3000, 'live event after resume');
  });

  it('too far behind: snapshot-required, and a forbidden scope is refused', async () => {
    const { client } = await coordinatorOn(urlB);
    // Server B replays at most 100 events.
    for (let i = 0; i < 105; i++) await publisher.publish([corridor], step(200 + i));
    const latest = (await request(client, 'subscribe', { scope: corridor })) as { latestSeq: number };
    const far = await request(client, 'resume', { scope: corridor, sinceSeq: Math.max(0, latest.latestSeq - 101) });
    expect(far).toEqual({ ok: false, error: 'snapshot-required', scope: corridor, latestSeq: latest.latestSeq });
    const other = await request(client, 'resume', { scope: scope.corridor(f.grid.corridors[1]), sinceSeq: 0 });
    expect(other).toEqual({ ok: false, error: 'forbidden' });
  });
});

describe('across processes', () => {
  it('events published by a worker-like process reach clients on every server instance, in order', async () => {
    const { client: onA } = await coordinatorOn(urlA);
    const { client: onB } = await coordinatorOn(urlB);
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./live-publisher.child.ts', import.meta.url)), f.prefix, `${f.prefix}:stream`, corridor, '25'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    for (const client of [onA, onB]) {
      await until(() => ofScope(client, corridor).length === 25, 5000, 'worker events');
      const got = ofScope(client, corridor);
      expect(got.map((e) => (e.event.type === 'round.progress' ? e.event.roundId : ''))).toEqual(range(1, 25).map((n) => `worker-${n}`));
      expect(seqs(got)).toEqual(range(got[0]!.seq, got[0]!.seq + 24));
    }
  });
});
