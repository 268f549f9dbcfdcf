/** Group commit of concurrent submissions: batched, yet each need accepted, merged or refused on its own. */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createNeedGroupCommit } from '../../src/services/needs/need-group-commit';
import { openDatabase } from '../../src/store/db';
import type { AcceptedNeed } from '../../src/store/need.repository';
import { holdAConnection, PG_URL, startWorld, type World } from './auth.fixture';

let w: World;
beforeAll(async () => {
  w = await startWorld('groupCommit');
});
afterAll(async () => w?.close());

const count = async (table: 'needs' | 'need_status_history' | 'outbox') =>
  Number((await w.database.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

function row(householdId: string, identity: string, corridorId = w.grid.c1, communityId = w.grid.m1): AcceptedNeed {
  return {
    id: randomUUID(), householdId, corridorId, communityId, kind: 'medicine', identityKey: identity, details: { drug: identity, strength: '1 mg', quantity: 1 },
    urgency: 'routine', priority: 0, cycle: null, createdBy: 'test', at: new Date(), topics: ['need.accepted'], audit: null,
  };
}

describe('need groupCommit', () => {
  it('50 concurrent submissions over HTTP: 49 new needs and 1 merge, each with its own history and event', async () => {
    const token = await w.login('admin');
    const before = { needs: await count('needs'), history: await count('need_status_history'), outbox: await count('outbox') };
    const bodies = Array.from({ length: 50 }, (_, i) => ({ kind: 'medicine', details: { drug: `Batch ${i === 49 ? 0 : i}`, strength: '5 mg', quantity: 1 } }));
    const results = await Promise.all(bodies.map((body) => w.request('POST', `/api/households/${w.grid.h2}/needs`, { token, body })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(49);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(await count('needs')).toBe(before.needs + 49);
    // Two history rows per new need, one merge note.
    expect(await count('need_status_history')).toBe(before.history + 49 * 2 + 1);
    expect(await count('outbox')).toBe(before.outbox + 49);
  });

  it('a need that cannot be written fails alone; the rest of its batch commits', async () => {
    const groupCommit = createNeedGroupCommit(w.database.db, { maxInFlight: 1 });
    const good = [row(w.grid.h3, 'iso-a', w.grid.c2), row(w.grid.h3, 'iso-b', w.grid.c2)];
    const bad = row(randomUUID(), 'iso-c'); // no such household: foreign key violation
    const outcomes = await Promise.allSettled([groupCommit.insert(good[0]!), groupCommit.insert(bad), groupCommit.insert(good[1]!)]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const ids = await w.database.db.selectFrom('needs').select('id').where('id', 'in', [...good.map((g) => g.id), bad.id]).execute();
    expect(ids.map((r) => r.id).sort()).toEqual(good.map((g) => g.id).sort());
  });

  it('two identical needs in one batch: the first is inserted, the second reported as a duplicate', async () => {
    const groupCommit = createNeedGroupCommit(w.database.db);
    const [a, b] = await Promise.all([groupCommit.insert(row(w.grid.h4, 'twin', w.grid.c3, w.grid.m2)), groupCommit.insert(row(w.grid.h4, 'twin', w.grid.c3, w.grid.m2))]);
    expect([a, b]).toEqual([true, false]);
  });

  it('a group waits for a pooled connection ahead of single requests that asked before it', async () => {
    // One connection, held: whoever asks waits, and the order they are served in shows.
    const one = await openDatabase({ url: PG_URL, schema: w.config.DATABASE_SCHEMA, poolSize: 1 });
    try {
      const letGo = await holdAConnection(one);
      const order: string[] = [];
      const single = sql`select 1`.execute(one.db).then(() => void order.push('single request'));
      await vi.waitFor(() => expect(one.poolStats()?.waiting).toBe(1), { timeout: 10_000, interval: 5 });
      const group = createNeedGroupCommit(one.db);
      const inserted = Promise.all([group.insert(row(w.grid.h3, 'prio-a', w.grid.c2)), group.insert(row(w.grid.h3, 'prio-b', w.grid.c2))]).then((r) => {
        order.push('group');
        return r;
      });
      await vi.waitFor(() => expect(one.poolStats()?.waiting).toBe(2), { timeout: 10_000, interval: 5 });
      await letGo();
      expect(await inserted).toEqual([true, true]);
      await single;
      expect(order).toEqual(['group', 'single request']);
    } finally {
      await one.close();
    }
  });
});
