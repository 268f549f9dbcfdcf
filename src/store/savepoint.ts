/**
 * Savepoints inside a transaction: work that may fail alone (one expanded notice event, one change
 * of a transport batch) is undone alone, and the transaction goes on with the rest.
 */
import { sql } from 'kysely';
import type { Db } from './db';

export async function savepoint(trx: Db, name: string): Promise<void> {
  await sql`savepoint ${sql.id(name)}`.execute(trx);
}

export async function rollbackToSavepoint(trx: Db, name: string): Promise<void> {
  await sql`rollback to savepoint ${sql.id(name)}`.execute(trx);
}
