/**
 * Planner statistics after bulk writes. PostgreSQL plans every query from the statistics ANALYZE
 * last gathered; autovacuum refreshes them only after its naptime and a threshold, and not at all
 * where it is off. A table that grows from nothing in one go (a district's register, the first
 * cycle's 137,000 food entitlements) is meanwhile planned as if it held a handful of rows: the
 * next community's entitlement insert then anti-joined its households against a materialised copy
 * of the whole cycle, re-read once per household (9 s a community at 119,000 needs, spilling to disk;
 * issue #21). So whoever adds many rows at once refreshes the statistics of that table itself.
 */
import { sql } from 'kysely';
import type { Db } from './db';

/** Tables written in bulk (a closed list: the name goes into the statement). */
export type BulkTable = 'needs' | 'households' | 'round_trips' | 'round_stops' | 'round_bags' | 'round_needs';

/** Re-analyse once the rows added since exceed this share of the rows the statistics know of. */
const GROWTH = 0.2;

/**
 * Refreshes `table`'s statistics when `added` rows are a large share of what they describe (or it
 * was never analysed). Cheap otherwise: one catalogue read. Call it after the writing transaction
 * has committed, or inside it when the rows of that transaction must count (ANALYZE counts its own
 * transaction's inserts, not other open ones'). Returns whether it analysed.
 */
export async function analyzeIfGrown(db: Db, table: BulkTable, added: number): Promise<boolean> {
  if (added <= 0) return false;
  const known = (await sql<{ reltuples: number }>`select reltuples from pg_class where oid = to_regclass(${table})`.execute(db)).rows[0]?.reltuples;
  if (known !== undefined && known >= 0 && added < GROWTH * known) return false;
  await sql`analyze ${sql.table(table)}`.execute(db);
  return true;
}
