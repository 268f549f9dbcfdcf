/** Receiving hours of corridor gates (areas of kind corridor; migration 0016), minutes from midnight. */
import type { GateHours } from '../domain/gate-hours';
import type { Db } from './db';

/** The corridor with its community and hours; undefined when no corridor has this id. */
export async function findCorridorHours(db: Db, corridorId: string): Promise<{ communityId: string | null; hours: GateHours } | undefined> {
  const row = await db.selectFrom('areas').select(['community_id', 'receiving_from_min', 'receiving_until_min'])
    .where('id', '=', corridorId).where('kind', '=', 'corridor').executeTakeFirst();
  return row && { communityId: row.community_id, hours: { fromMin: row.receiving_from_min, untilMin: row.receiving_until_min } };
}

/** Sets the hours of one corridor or several. */
export async function setCorridorHours(db: Db, corridorIds: string | readonly string[], hours: GateHours): Promise<void> {
  const ids = typeof corridorIds === 'string' ? [corridorIds] : [...corridorIds];
  if (ids.length === 0) return;
  await db.updateTable('areas').set({ receiving_from_min: hours.fromMin, receiving_until_min: hours.untilMin })
    .where('id', 'in', ids).where('kind', '=', 'corridor').execute();
}
