/**
 * Events stored in a caller's transaction (a handover's, a stop report's) are staged there and
 * numbered after its commit (`release`), so no scope's counter is locked while the caller's
 * transaction is open (issue #21: through the district day's walk 16-19 of 27-29 busy backends
 * waited on the dispatch scope's counter row, held by transactions waiting to commit). Checked on
 * the real PostgreSQL: atomic with the caller's change, no counter locked before the commit,
 * numbered in staging order whoever releases them, each once, without gaps under concurrent
 * writers, and an event whose process died before releasing it goes out at the sweep.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scope, type Envelope, type LiveEvent, type Scope } from '../../src/contracts/events';
import { createLivePublisher, type LivePublisher } from '../../src/services/live-status/live.service';
import type { LiveStream } from '../../src/services/live-status/live-stream';
import { ManualClock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import { insertEndpoint } from '../../src/store/webhook.repository';
import { startWorld, statementCounter, type World } from './auth.fixture';

const counter = statementCounter();
const clock = new ManualClock('2026-12-07T04:00:00Z');
let w: World;
let publisher: LivePublisher;
/** What the publisher sent to the stream, in order. */
const sent: Envelope[] = [];
const recordingStream: LiveStream = {
  broadcast: async (_rooms, _name, payload) => void sent.push(payload as Envelope),
  disconnect: async () => undefined,
};

beforeAll(async () => {
  w = await startWorld('live_staging', { clock, plugin: counter.plugin });
  await insertEndpoint(w.database.db, { url: 'https://receiver.example/hook', events: ['pass.state'], secret: 'whsec_test', description: null, createdBy: null });
  publisher = createLivePublisher({ db: w.deps.db, stream: recordingStream, clock, logger: createLogger({ level: 'silent' }) });
});

afterAll(async () => {
  await w?.close();
});

const db = () => w.deps.db;
const passEvent = (householdId: string): LiveEvent & { passId: string } =>
  ({ type: 'pass.state', passId: randomUUID(), householdId, state: 'approved', validUntil: null });
const rowsOfPass = async (passId: string) => ({
  staged: (await sql<{ scope: string }>`select scope from live_events_staged where payload->>'passId' = ${passId} order by scope`.execute(db())).rows.map((r) => r.scope),
  live: (await sql<{ scope: string; seq: string }>`select scope, seq from live_events where payload->>'passId' = ${passId} order by scope`.execute(db())).rows.map((r) => [r.scope, Number(r.seq)]),
  webhooks: (await sql<{ n: number }>`select count(*)::int as n from webhook_deliveries where body like ${`%${passId}%`}`.execute(db())).rows[0]!.n,
  notices: (await sql<{ n: number }>`select count(*)::int as n from notice_events e where e.data->>'passId' = ${passId}`.execute(db())).rows[0]!.n,
});
const latest = async (s: string) => Number((await sql<{ seq: string }>`select seq from live_scope_seq where scope = ${s}`.execute(db())).rows[0]?.seq ?? 0);
/** Takes the scope's counter row from another connection, refusing to wait: throws if anyone holds it. */
const counterFree = (s: string) => db().transaction().execute((trx) => sql`select seq from live_scope_seq where scope = ${s} for update nowait`.execute(trx));
/** A scope no other test touches. */
const freshScope = (): Scope => scope.household(randomUUID());

describe('live events staged in a transaction', () => {
  it('are staged with their webhook delivery and notice in one statement, lock no counter while the transaction is open, and are numbered by release after it commits', async () => {
    const household = scope.household(w.grid.h2);
    // Both scopes have a counter already, as the dispatch scope has all day.
    await publisher.publish([scope.dispatch, household], passEvent(w.grid.h2));
    const [dispatchBefore, householdBefore] = [await latest(scope.dispatch), await latest(household)];

    const event = passEvent(w.grid.h2);
    const staged = await db().transaction().execute(async (trx) => {
      const before = counter.count();
      const out = await publisher.store(trx, [scope.dispatch, household], event);
      expect(counter.count() - before).toBe(1);
      // The transaction is still open: another writer takes the dispatch counter at once, and a
      // publish to the same scopes is numbered without waiting for this commit.
      await counterFree(scope.dispatch);
      await counterFree(household);
      const [other] = await publisher.publish([scope.dispatch], { type: 'round.progress', roundId: 'r', percent: 5, stage: 'routing' });
      expect(other!.seq).toBe(dispatchBefore + 1);
      return out;
    });
    expect(await rowsOfPass(event.passId)).toEqual({ staged: [scope.dispatch, household].sort(), live: [], webhooks: 1, notices: 1 });

    sent.length = 0;
    const envelopes = await publisher.release(staged);
    expect(envelopes.map((e) => [e.scope, e.seq])).toEqual([[scope.dispatch, dispatchBefore + 2], [household, householdBefore + 1]].sort());
    expect(envelopes.every((e) => (e.event as { passId: string }).passId === event.passId)).toBe(true);
    expect(sent).toEqual(envelopes);
    expect(await rowsOfPass(event.passId)).toEqual({ staged: [], live: envelopes.map((e) => [e.scope, e.seq]), webhooks: 1, notices: 1 });
    // Released again (a retry): nothing is left to number.
    expect(await publisher.release(staged)).toEqual([]);
  });

  it('are undone with the transaction that staged them', async () => {
    const event = passEvent(w.grid.h1);
    await expect(db().transaction().execute(async (trx) => {
      await publisher.store(trx, [scope.household(w.grid.h1)], event);
      throw new Error('the stop could not be closed');
    })).rejects.toThrow('could not be closed');
    expect(await rowsOfPass(event.passId)).toEqual({ staged: [], live: [], webhooks: 0, notices: 0 });
  });

  it('are numbered in the order they were staged, whoever releases them, each once', async () => {
    const [s, t] = [freshScope(), freshScope()];
    const first = [passEvent(w.grid.h1), passEvent(w.grid.h1), passEvent(w.grid.h1)];
    const a = await db().transaction().execute((trx) => publisher.storeMany(trx, first.map((event) => ({ scopes: [s], event }))));
    const second = passEvent(w.grid.h1);
    const b = await db().transaction().execute((trx) => publisher.store(trx, [t, s], second));
    // The later transaction's release numbers the earlier one's events of its scopes too, before its own.
    const out = await publisher.release(b);
    const passIds = (scopeOf: string) => out.filter((e) => e.scope === scopeOf).map((e) => [(e.event as { passId: string }).passId, e.seq]);
    expect(passIds(s)).toEqual([...first, second].map((e, i) => [e.passId, i + 1]));
    expect(passIds(t)).toEqual([[second.passId, 1]]);
    // The earlier one's own release finds them numbered: nothing is sent twice.
    expect(await publisher.release(a)).toEqual([]);
    expect([await latest(s), await latest(t)]).toEqual([4, 1]);
  });

  it('one never released (its process died after the commit) goes out at the sweep; one staged a moment ago is left to its own release', async () => {
    const [dead, alive] = [freshScope(), freshScope()];
    const orphan = passEvent(w.grid.h1);
    await db().transaction().execute((trx) => publisher.store(trx, [dead], orphan));
    await sql`update live_events_staged set staged_at = now() - interval '1 minute' where scope = ${dead}`.execute(db());
    const young = await db().transaction().execute((trx) => publisher.store(trx, [alive], passEvent(w.grid.h1)));

    sent.length = 0;
    expect(await publisher.sweepStaged()).toBeGreaterThanOrEqual(1);
    expect(sent.filter((e) => e.scope === dead).map((e) => [(e.event as { passId: string }).passId, e.seq])).toEqual([[orphan.passId, 1]]);
    expect(sent.some((e) => e.scope === alive)).toBe(false);
    expect((await publisher.release(young)).map((e) => [e.scope, e.seq])).toEqual([[alive, 1]]);
    expect(await sql<{ n: number }>`select count(*)::int as n from live_events_staged where scope in (${dead}, ${alive})`.execute(db()).then((r) => r.rows[0]!.n)).toBe(0);
  });

  it('under concurrent writers to shared scopes, staged and published, each scope is numbered 1..n without a gap or a repeat, every event once', async () => {
    const scopes = [freshScope(), freshScope(), freshScope()];
    // Each writer names two of the three scopes, in either order: the counters are locked sorted whatever the order.
    const pick = (i: number): Scope[] => (i % 2 ? [scopes[i % 3]!, scopes[(i + 1) % 3]!] : [scopes[(i + 1) % 3]!, scopes[i % 3]!]);
    const writers = Array.from({ length: 36 }, (_, i) => i % 4 === 3
      ? publisher.publish(pick(i), passEvent(w.grid.h1)).then((e) => e.length)
      : db().transaction().execute((trx) => publisher.store(trx, pick(i), passEvent(w.grid.h1))).then((staged) => publisher.release(staged)).then(() => 2));
    expect(await Promise.all(writers)).toEqual(Array(36).fill(2));
    for (const s of scopes) {
      const rows = (await sql<{ seq: string; event_id: string }>`select seq, event_id from live_events where scope = ${s} order by seq`.execute(db())).rows;
      expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
      expect(new Set(rows.map((r) => r.event_id)).size).toBe(24);
      expect(await latest(s)).toBe(24);
    }
    expect(await sql<{ n: number }>`select count(*)::int as n from live_events_staged where scope in (${sql.join(scopes)})`.execute(db()).then((r) => r.rows[0]!.n)).toBe(0);
  });
});
