/**
 * A single event published on its own (`publish`: a pass step, an emergency's alert, a van's
 * position) is stored by one statement, with no transaction around it: its webhook deliveries, its
 * notice, its seq in each scope and its rows (issue #21: in the district day's first minute a
 * thousand pass steps each published once, and each round trip waited for a pooled connection).
 * Checked on the real PostgreSQL, with an endpoint subscribed and an event that may notify someone,
 * and with neither; a second event of the same scope takes the next seq.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scope, type LiveEvent } from '../../src/contracts/events';
import { createLivePublisher, type LivePublisher } from '../../src/services/live-status/live.service';
import { storeOnlyStream } from '../../src/services/passes/pass-alerts';
import { ManualClock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import { insertEndpoint } from '../../src/store/webhook.repository';
import { startWorld, statementCounter, type World } from './auth.fixture';

const counter = statementCounter();

const clock = new ManualClock('2026-12-05T04:00:00Z');
let w: World;
let publisher: LivePublisher;
let transactions = 0;

beforeAll(async () => {
  w = await startWorld('live_publish', { clock, plugin: counter.plugin });
  await insertEndpoint(w.database.db, { url: 'https://receiver.example/hook', events: ['pass.state'], secret: 'whsec_test', description: null, createdBy: null });
  const db = w.deps.db;
  // Counts the transactions the publisher opens (a plugin sees statements, not BEGIN and COMMIT).
  const counted = new Proxy(db, {
    get: (target, key) => {
      if (key === 'transaction') return () => (transactions++, target.transaction());
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  publisher = createLivePublisher({ db: counted, stream: storeOnlyStream, clock, logger: createLogger({ level: 'silent' }) });
});

afterAll(async () => {
  await w?.close();
});

const rowsOf = async (eventId: string) => ({
  live: (await sql<{ scope: string; seq: string }>`select scope, seq from live_events where event_id = ${eventId} order by scope`.execute(w.database.db)).rows,
  webhooks: (await sql<{ body: string }>`select body from webhook_deliveries where event_id = ${eventId}`.execute(w.database.db)).rows,
  notices: (await sql<{ event_type: string }>`select event_type from notice_events where event_id = ${eventId}`.execute(w.database.db)).rows,
});

describe('publishing one event', () => {
  it('stores it, its webhook delivery and its notice in one statement, without a transaction', async () => {
    const passId = randomUUID();
    const event: LiveEvent = { type: 'pass.state', passId, householdId: w.grid.h1, state: 'approved', validUntil: null };
    const scopes = [scope.household(w.grid.h1), scope.community(w.grid.c1)];
    const [before, opened] = [counter.count(), transactions];
    const envelopes = await publisher.publish(scopes, event);
    expect(counter.count() - before).toBe(1);
    expect(transactions - opened).toBe(0);

    expect(envelopes.map((e) => e.scope).sort()).toEqual([...scopes].sort());
    const stored = await rowsOf(envelopes[0]!.id);
    expect(stored.live.map((r) => [r.scope, Number(r.seq)])).toEqual(envelopes.map((e) => [e.scope, e.seq]).sort());
    expect(stored.webhooks).toHaveLength(1);
    expect(JSON.parse(stored.webhooks[0]!.body)).toEqual({ id: envelopes[0]!.id, type: 'pass.state', occurredAt: clock.now().toISOString(), data: { passId, householdId: w.grid.h1, state: 'approved', validUntil: null } });
    expect(stored.notices.map((n) => n.event_type)).toEqual(['pass.state']);
  });

  it('an event no endpoint wants and no one is told of: only its rows, the next seq of its scope', async () => {
    const scopes = [scope.household(w.grid.h1)];
    const before = (await sql<{ seq: string }>`select seq from live_scope_seq where scope = ${scopes[0]}`.execute(w.database.db)).rows[0]!;
    const start = counter.count();
    const [envelope] = await publisher.publish(scopes, { type: 'pass.state', passId: randomUUID(), householdId: w.grid.h1, state: 'requested', validUntil: null });
    expect(counter.count() - start).toBe(1);
    expect(envelope!.seq).toBe(Number(before.seq) + 1);
    const stored = await rowsOf(envelope!.id);
    expect(stored.live).toHaveLength(1);
    // The endpoint wants pass.state: it gets every state, told or not.
    expect(stored.webhooks).toHaveLength(1);
    expect(stored.notices).toHaveLength(0);

    // No scope (no one follows it live): its webhook delivery is still stored, by the same one statement.
    const unscoped = counter.count();
    expect(await publisher.publish([], { type: 'pass.state', passId: randomUUID(), householdId: w.grid.h2, state: 'issued', validUntil: null })).toEqual([]);
    expect(counter.count() - unscoped).toBe(1);
    const issued = await sql<{ n: string }>`select count(*)::text as n from webhook_deliveries where body like ${'%"issued"%'}`.execute(w.database.db);
    expect(issued.rows[0]!.n).toBe('1');

    const [other] = await publisher.publish([scope.dispatch], { type: 'round.progress', roundId: 'r', percent: 5, stage: 'routing' });
    const none = await rowsOf(other!.id);
    expect([none.live.length, none.webhooks.length, none.notices.length]).toEqual([1, 0, 0]);
  });
});
