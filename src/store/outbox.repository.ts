/**
 * The outbox written by intake in the same transaction as each need: claimed in batches by the
 * relay, published to the queue, then marked. Several relays (one per worker process) can run at
 * once: `skip locked` gives each its own rows.
 */
import type { Db } from './db';

export interface OutboxRow {
  id: string;
  topic: string;
  payload: Record<string, unknown>;
}

/**
 * Runs `publish` on the oldest unpublished rows of the given topics and marks them published,
 * in one transaction: if publishing throws, nothing is marked and the rows are tried again.
 * Returns the number of rows handled.
 */
export async function relayOutboxBatch(db: Db, topics: readonly string[], limit: number, publish: (rows: OutboxRow[]) => Promise<void>): Promise<number> {
  // Most wake-ups find nothing (every intake commit wakes both workers' relays, and one takes what
  // there is: 9 of 10 batches in the district day's food round were empty). Asked outside a
  // transaction that is one statement instead of three (BEGIN, the locking read, COMMIT).
  const waiting = await db.selectFrom('outbox').select('id').where('published_at', 'is', null).where('topic', 'in', topics).limit(1).executeTakeFirst();
  if (!waiting) return 0;
  return db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom('outbox').select(['id', 'topic', 'payload'])
      .where('published_at', 'is', null).where('topic', 'in', topics)
      .orderBy('id').limit(limit).forUpdate().skipLocked().execute();
    if (rows.length === 0) return 0;
    await publish(rows);
    await trx.updateTable('outbox').set({ published_at: new Date() }).where('id', 'in', rows.map((r) => r.id)).execute();
    return rows.length;
  });
}

export async function unpublishedCount(db: Db, topics: readonly string[]): Promise<number> {
  const row = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('published_at', 'is', null).where('topic', 'in', topics).executeTakeFirstOrThrow();
  return Number(row.n);
}
