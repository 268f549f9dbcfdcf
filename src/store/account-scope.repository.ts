/**
 * Where an object sits in the grid, which is all an access decision needs: the household,
 * corridor and community behind a household, a need, a corridor or a community id.
 * Ids that are not UUIDs find nothing (rather than a database error), like unknown ones.
 */
import type { HouseholdScope, NeedScope } from '../domain/access';
import type { Db } from './db';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (id: string): boolean => UUID.test(id);

export async function householdScope(db: Db, householdId: string): Promise<HouseholdScope | undefined> {
  if (!isUuid(householdId)) return undefined;
  return db
    .selectFrom('households')
    .select(['id as householdId', 'corridor_id as corridorId', 'community_id as communityId'])
    .where('id', '=', householdId)
    .executeTakeFirst();
}

/** `householdId` null: a corridor's own need (a waste pickup). */
export async function needScope(db: Db, needId: string): Promise<NeedScope | undefined> {
  if (!isUuid(needId)) return undefined;
  return db
    .selectFrom('needs')
    .select(['household_id as householdId', 'corridor_id as corridorId', 'community_id as communityId'])
    .where('id', '=', needId)
    .executeTakeFirst();
}

export async function corridorScope(
  db: Db,
  corridorId: string,
): Promise<{ corridorId: string; communityId: string } | undefined> {
  if (!isUuid(corridorId)) return undefined;
  const row = await db
    .selectFrom('areas')
    .select(['id', 'community_id'])
    .where('id', '=', corridorId)
    .where('kind', '=', 'corridor')
    .executeTakeFirst();
  return row?.community_id ? { corridorId: row.id, communityId: row.community_id } : undefined;
}

export async function communityExists(db: Db, communityId: string): Promise<boolean> {
  if (!isUuid(communityId)) return false;
  const row = await db.selectFrom('areas').select('id').where('id', '=', communityId).where('kind', '=', 'community').executeTakeFirst();
  return row !== undefined;
}

export async function driverExists(db: Db, driverId: string): Promise<boolean> {
  if (!isUuid(driverId)) return false;
  return (await db.selectFrom('drivers').select('id').where('id', '=', driverId).executeTakeFirst()) !== undefined;
}
