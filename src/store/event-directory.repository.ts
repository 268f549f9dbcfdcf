/**
 * The lookups live scope access needs, from the core tables: which community a corridor is in,
 * where a household sits. Ids that are not uuids cannot exist here: answered without a query
 * (and without Postgres refusing the cast).
 */
import type { Db } from './db';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function communityOfCorridor(db: Db, corridorId: string): Promise<string | null> {
  if (!UUID.test(corridorId)) return null;
  const row = await db
    .selectFrom('areas')
    .select('community_id')
    .where('id', '=', corridorId)
    .where('kind', '=', 'corridor')
    .executeTakeFirst();
  return row?.community_id ?? null;
}

export async function householdScope(
  db: Db,
  householdId: string,
): Promise<{ householdId: string; corridorId: string; communityId: string } | null> {
  if (!UUID.test(householdId)) return null;
  const row = await db
    .selectFrom('households')
    .select(['id', 'corridor_id', 'community_id'])
    .where('id', '=', householdId)
    .executeTakeFirst();
  return row ? { householdId: row.id, corridorId: row.corridor_id, communityId: row.community_id } : null;
}
