/**
 * Transaction-scoped advisory locks, one per name and schema. PostgreSQL's advisory locks are
 * database-wide, while Cordon keeps a deployment in one schema (DATABASE_SCHEMA): without the schema
 * in the key, a district's round preparation in one schema (minutes at full scale) held up every
 * round prepared in every other one, test files and benches included (issue #21).
 */
import { sql } from 'kysely';
import type { Db } from './db';

/** Takes the lock `name` of this schema until the transaction ends. */
export async function lockForTransaction(trx: Db, name: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${name} || ':' || current_schema()))`.execute(trx);
}
