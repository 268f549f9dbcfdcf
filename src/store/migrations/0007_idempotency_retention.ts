/**
 * Idempotency keys are kept IDEMPOTENCY_TTL_HOURS, then deleted oldest first in batches: the index
 * lets each batch find the oldest keys without scanning every key still in its window.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index idempotency_keys_created_idx on idempotency_keys (created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index idempotency_keys_created_idx`.execute(db);
}
