/**
 * The event store under concurrency (real PostgreSQL): publishers racing on overlapping scopes
 * get gapless, unique per-scope sequences and never deadlock; replay is ordered and bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../src/services/live-status/live.service';
import { dropSchema, migrateToLatest, openDatabase, type Database } from '../../src/store/db';
import { appendEvent, appendEvents, eventsSince, latestSeq, pruneEvents } from '../../src/store/event.repository';
import { PG_URL } from './live-harness';
import type { Db } from '../../src/store/db';

let database: Database;
let db: Db;

beforeAll(async () => {
  database = await openDatabase({ url: PG_URL, schema: `live_store_${process.pid}_${Date.now().toString(36)}`, poolSize: 10 });
  await migrateToLatest(database);
  db = database.db as unknown as Db;
});

afterAll(async () => {
  await dropSchema(database);
  await database.close();
});

describe('event store', () => {
  it('concurrent publishers on overlapping scopes get gapless unique seqs per scope', async () => {
    const scopes = ['corridor:a', 'corridor:b', 'dispatch', 'community:m'];
    // Each publish takes a different subset in a different order: the sorted locking must avoid deadlocks.
    const jobs = Array.from({ length: 60 }, (_, i) => {
      const subset = scopes.filter((_, k) => (i + k) % 3 !== 0).reverse();
      return appendEvent(db, subset, { id: crypto.randomUUID(), type: 'round.progress', event: { n: i }, at: new Date() });
    });
    const results = (await Promise.all(jobs)).flat();
    for (const s of scopes) {
      const seqs = results.filter((r) => r.scope === s).map((r) => r.seq).sort((a, b) => a - b);
      expect(seqs, s).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      expect(await latestSeq(db, s)).toBe(seqs.length);
      const stored = await eventsSince(db, s, 0, 1000);
      expect(stored.map((e) => e.seq)).toEqual(seqs);
    }
  });

  it('a batch takes consecutive seqs per scope in input order, atomically, beside concurrent batches', async () => {
    const scopes = ['corridor:x', 'corridor:y', 'household:z'];
    const batch = (b: number) =>
      appendEvents(db, Array.from({ length: 25 }, (_, i) => ({
        id: crypto.randomUUID(), type: 'need.status_changed', event: { b, i }, at: new Date(),
        scopes: [scopes[i % 3]!, scopes[(i + b) % 3]!],
      })));
    const results = await Promise.all(Array.from({ length: 8 }, (_, b) => batch(b)));
    for (const [b, stored] of results.entries()) {
      expect(stored).toHaveLength(25);
      for (const s of scopes) {
        // Within one batch a scope's events follow each other with no other batch's in between.
        const seqs = stored.flat().filter((e) => e.scope === s).map((e) => e.seq);
        expect(seqs, `batch ${b} ${s}`).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
      }
    }
    for (const s of scopes) {
      const all = results.flat(2).filter((e) => e.scope === s).map((e) => e.seq).sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
      const stored = await eventsSince(db, s, 0, 1000);
      expect(stored.map((e) => [e.seq, e.event])).toEqual(
        results.flat(2).filter((e) => e.scope === s).sort((a, b) => a.seq - b.seq).map((e) => [e.seq, e.event]),
      );
    }
  });

  it('replays in order, refuses when too far behind or when the missed events were pruned', async () => {
    for (let i = 0; i < 10; i++) await appendEvent(db, ['household:h'], { id: crypto.randomUUID(), type: 'x', event: { i }, at: new Date(Date.UTC(2026, 0, 1, 0, i)) });
    const r = await replay({ db }, 'household:h', 4, 100);
    expect(r.kind === 'events' && r.events.map((e) => e.seq)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(await replay({ db }, 'household:h', 10, 100)).toEqual({ kind: 'events', events: [], latestSeq: 10 });
    expect(await replay({ db }, 'household:h', 2, 5)).toEqual({ kind: 'snapshot-required', latestSeq: 10 });
    // Events of minutes 0-4 pruned: a client at seq 2 cannot be brought up to date by replay.
    expect(await pruneEvents(db, new Date(Date.UTC(2026, 0, 1, 0, 5)))).toBe(5);
    expect(await replay({ db }, 'household:h', 2, 100)).toEqual({ kind: 'snapshot-required', latestSeq: 10 });
    const fromFive = await replay({ db }, 'household:h', 5, 100);
    expect(fromFive.kind === 'events' && fromFive.events.map((e) => e.seq)).toEqual([6, 7, 8, 9, 10]);
  });
});
