/**
 * Events stored in a caller's transaction (a handover's, a stop report's) are staged there and
 * numbered by its COMMIT (migration 0042), so no scope's counter is locked while the caller's
 * transaction is open (issue #21: through the district day's walk 16-19 of 27-29 busy backends
 * waited on the dispatch scope's counter row, held by transactions waiting to send their COMMIT).
 * Checked on the real PostgreSQL: atomic with the caller's change, no counter locked before the
 * commit, numbered in commit order, each once, without gaps under concurrent writers, and stored
 * and numbered though the process dies before sending them.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scope, type Envelope, type LiveEvent, type Scope } from '../../src/contracts/events';
import { createLivePublisher, type LivePublisher } from '../../src/services/live-status/live.service';
import type { LiveStream } from '../../src/services/live-status/live-stream';
import { ManualClock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import { insertEndpoint } from '../../src/store/webhook.repository';
import { pruneEvents } from '../../src/store/event.repository';
import { PG_URL, startWorld, statementCounter, type World } from './auth.fixture';

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
  staged: (await sql<{ scope: string; seq: string | null }>`select scope, seq from live_events_staged where payload->>'passId' = ${passId} order by scope`.execute(db())).rows.map((r) => [r.scope, r.seq === null ? null : Number(r.seq)]),
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
  it('are staged with their webhook delivery and notice in one statement, lock no counter while the transaction is open, are numbered by its commit and sent by release', async () => {
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
      // publish to the same scope is numbered without waiting for this commit.
      await counterFree(scope.dispatch);
      await counterFree(household);
      const [other] = await publisher.publish([scope.dispatch], { type: 'round.progress', roundId: 'r', percent: 5, stage: 'routing' });
      expect(other!.seq).toBe(dispatchBefore + 1);
      return out;
    });
    // Numbered by the commit, after the publish that committed first.
    const numbered = [[scope.dispatch, dispatchBefore + 2], [household, householdBefore + 1]].sort();
    expect(await rowsOfPass(event.passId)).toEqual({ staged: numbered, live: numbered, webhooks: 1, notices: 1 });

    sent.length = 0;
    const envelopes = await publisher.release(staged);
    expect(envelopes.map((e) => [e.scope, e.seq])).toEqual(numbered);
    expect(envelopes.every((e) => (e.event as { passId: string }).passId === event.passId)).toBe(true);
    expect(sent).toEqual(envelopes);
    expect(await rowsOfPass(event.passId)).toEqual({ staged: [], live: numbered, webhooks: 1, notices: 1 });
    // Released again (a retry): nothing is sent twice.
    expect(await publisher.release(staged)).toEqual([]);
  });

  it('are undone with the transaction that staged them', async () => {
    const event = passEvent(w.grid.h1);
    const s = freshScope();
    await expect(db().transaction().execute(async (trx) => {
      await publisher.store(trx, [s], event);
      throw new Error('the stop could not be closed');
    })).rejects.toThrow('could not be closed');
    expect(await rowsOfPass(event.passId)).toEqual({ staged: [], live: [], webhooks: 0, notices: 0 });
    // No seq was spent: the scope's first event is its 1.
    const next = await db().transaction().execute((trx) => publisher.store(trx, [s], passEvent(w.grid.h1)));
    expect((await publisher.release(next)).map((e) => e.seq)).toEqual([1]);
  });

  it('are numbered in the order their transactions commit, a transaction\'s own in the order given', async () => {
    const s = freshScope();
    const batch = [passEvent(w.grid.h1), passEvent(w.grid.h1), passEvent(w.grid.h1)];
    const late = passEvent(w.grid.h1);
    const early = passEvent(w.grid.h1);
    // `late` is staged first but commits after `early` and the batch.
    let lateStaged!: () => void;
    const staged = new Promise<void>((resolve) => (lateStaged = resolve));
    let commit!: () => void;
    const committing = new Promise<void>((resolve) => (commit = resolve));
    const lateTx = db().transaction().execute(async (trx) => {
      const out = await publisher.store(trx, [s], late);
      lateStaged();
      await committing;
      return out;
    });
    await staged;
    const earlyOut = await db().transaction().execute((trx) => publisher.store(trx, [s], early));
    const batchOut = await db().transaction().execute((trx) => publisher.storeMany(trx, batch.map((event) => ({ scopes: [s], event }))));
    commit();
    const lateOut = await lateTx;
    const sentIds = async (out: Parameters<LivePublisher['release']>[0]) => (await publisher.release(out)).map((e) => [(e.event as { passId: string }).passId, e.seq]);
    expect(await sentIds(lateOut)).toEqual([[late.passId, 5]]);
    expect(await sentIds(batchOut)).toEqual(batch.map((e, i) => [e.passId, i + 2]));
    expect(await sentIds(earlyOut)).toEqual([[early.passId, 1]]);
  });

  it('are stored and numbered though the process dies before sending them; their staged rows go with pruning', async () => {
    const s = freshScope();
    const orphan = passEvent(w.grid.h1);
    await db().transaction().execute((trx) => publisher.store(trx, [s], orphan));
    // Never released: a client's resume finds it all the same.
    expect((await rowsOfPass(orphan.passId)).live).toEqual([[s, 1]]);
    expect(await pruneEvents(db(), new Date(clock.now().getTime() + 1000))).toBeGreaterThan(0);
    expect(await rowsOfPass(orphan.passId)).toMatchObject({ staged: [], live: [] });
  });

  it('under concurrent writers to shared scopes, staged and published, each scope is numbered 1..n without a gap or a repeat, every event sent once', async () => {
    const scopes = [freshScope(), freshScope(), freshScope()];
    // Each writer names two of the three scopes, in either order: the counters are locked sorted whatever the order.
    const pick = (i: number): Scope[] => (i % 2 ? [scopes[i % 3]!, scopes[(i + 1) % 3]!] : [scopes[(i + 1) % 3]!, scopes[i % 3]!]);
    const writers = Array.from({ length: 36 }, (_, i) => i % 4 === 3
      ? publisher.publish(pick(i), passEvent(w.grid.h1))
      : db().transaction().execute((trx) => publisher.store(trx, pick(i), passEvent(w.grid.h1))).then((staged) => publisher.release(staged)));
    const out = (await Promise.all(writers)).flat();
    for (const s of scopes) {
      const rows = (await sql<{ seq: string; event_id: string }>`select seq, event_id from live_events where scope = ${s} order by seq`.execute(db())).rows;
      expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
      expect(new Set(rows.map((r) => r.event_id)).size).toBe(24);
      expect(out.filter((e) => e.scope === s).map((e) => e.seq).sort((a, b) => a - b)).toEqual(rows.map((r) => Number(r.seq)));
      expect(await latest(s)).toBe(24);
    }
  });
});

/**
 * The work PostgreSQL did for the commit that numbers `n` staged events, one scope each (a relay
 * batch): the sum over its plan's nodes of rows produced times loops, as auto_explain reports the
 * trigger's statement.
 */
async function numberingWork(n: number): Promise<{ plan: string; rowsTimesLoops: number }> {
  const client = new pg.Client({ connectionString: PG_URL });
  const notices: string[] = [];
  client.on('notice', (notice) => notices.push(notice.message ?? ''));
  await client.connect();
  try {
    await client.query(`set search_path to "${w.database.schema}"`);
    await client.query(`load 'auto_explain'`);
    await client.query('begin');
    for (const setting of ['auto_explain.log_min_duration = 0', 'auto_explain.log_analyze = on', 'auto_explain.log_nested_statements = on', 'client_min_messages = log']) {
      await client.query(`set local ${setting}`);
    }
    await client.query(`insert into live_events_staged (scope, event_id, type, payload, created_at)
      select 'household:' || gen_random_uuid(), gen_random_uuid(), 'pass.state', '{}'::jsonb, now() from generate_series(1, $1::int)`, [n]);
    await client.query('commit');
  } finally {
    await client.end();
  }
  const plan = notices.find((text) => text.includes('insert into live_events (scope, seq'));
  if (!plan) throw new Error(`auto_explain reported no numbering plan; it reported: ${notices.map((t) => t.slice(0, 120)).join(' | ')}`);
  const rowsTimesLoops = [...plan.matchAll(/actual time=[\d.]+\.\.[\d.]+ rows=(\d+) loops=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]) * Number(m[2]), 0);
  return { plan, rowsTimesLoops };
}

describe('the commit numbering staged events (migration 0043)', () => {
  it('does work linear in their number though the staging table was analysed empty, as (auto)vacuum finds a queue', async () => {
    // Between a commit and its read-back the table is empty: the statistics say "no rows".
    await sql`delete from live_events_staged`.execute(db());
    await sql`analyze live_events_staged`.execute(db());
    const n = 1000;
    const { plan, rowsTimesLoops } = await numberingWork(n);
    // Each staged row is read, ranked, marked and copied a bounded number of times (17n measured); a nested loop
    // over the transaction's rows (the planner's choice on those statistics, before 0043) is n² = 1,000,000.
    expect(rowsTimesLoops, plan).toBeLessThan(30 * n);
    const numbered = (await sql<{ n: number; scopes: number; first: number }>`
      select count(*)::int as n, count(distinct scope)::int as scopes, max(seq)::int as first from live_events_staged where seq is not null`.execute(db())).rows[0]!;
    expect(numbered).toEqual({ n, scopes: n, first: 1 });
  });
});
