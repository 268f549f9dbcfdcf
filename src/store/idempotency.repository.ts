/**
 * Idempotency keys: the first request with a key stores its response in the same transaction
 * as its effect, so a retry (even a concurrent one, which waits on the key's unique index)
 * finds either nothing (first one rolled back) or the finished response.
 */
import { sql } from 'kysely';
import type { Db } from './db';

type Executor = Db;

export interface StoredResponse {
  requestHash: string;
  statusCode: number | null;
  body: unknown;
}

/** Takes the key for this request; false when another request already holds it. */
export async function claimKey(db: Executor, actor: string, key: string, requestHash: string, at?: Date): Promise<boolean> {
  const rows = await db
    .insertInto('idempotency_keys')
    .values({ actor, key, request_hash: requestHash, ...(at ? { created_at: at } : {}) })
    .onConflict((oc) => oc.columns(['actor', 'key']).doNothing())
    .returning('key')
    .execute();
  return rows.length === 1;
}

export async function saveResponse(db: Executor, actor: string, key: string, statusCode: number, body: unknown): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ status_code: statusCode, response: JSON.stringify(body) })
    .where('actor', '=', actor)
    .where('key', '=', key)
    .execute();
}

export async function findKey(db: Executor, actor: string, key: string): Promise<StoredResponse | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'status_code', 'response'])
    .where('actor', '=', actor)
    .where('key', '=', key)
    .executeTakeFirst();
  return row && { requestHash: row.request_hash, statusCode: row.status_code, body: row.response };
}

/**
 * Deletes up to `limit` keys created before `before` (oldest first); returns how many went.
 * Batches keep each delete short, so it never holds many row locks at once.
 */
export async function deleteKeysBefore(db: Executor, before: Date, limit: number): Promise<number> {
  const res = await sql`
    delete from idempotency_keys where (actor, key) in (
      select actor, key from idempotency_keys where created_at < ${before} order by created_at limit ${limit})`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}
