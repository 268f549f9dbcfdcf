/**
 * The intake side of a pass: a medical_pass need (src/domain/need.ts) that a pass continues.
 * Its status follows the pass (planned while decided and prepared, out while the pass is out,
 * delivered when the pass is back, cancelled or failed when it ends otherwise), with history rows.
 */
import { sql } from 'kysely';
import type { NeedStatus } from '../domain/need-status';
import type { Db } from './db';

export interface MedicalPassNeed {
  id: string;
  householdId: string;
  corridorId: string;
  communityId: string;
  status: string;
  details: Record<string, unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findMedicalPassNeed(db: Db, needId: string, forUpdate = false): Promise<MedicalPassNeed | undefined> {
  if (!UUID.test(needId)) return undefined;
  let q = db.selectFrom('needs').select(['id', 'household_id', 'corridor_id', 'community_id', 'status', 'details'])
    .where('id', '=', needId).where('kind', '=', 'medical_pass');
  if (forUpdate) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  // A pass takes someone of a household: a need without one (a corridor's) is no medical pass need.
  if (!r || r.household_id === null) return undefined;
  return { id: r.id, householdId: r.household_id, corridorId: r.corridor_id, communityId: r.community_id, status: r.status, details: r.details };
}

/**
 * Moves the need along `steps` (each [from, to]) as far as its current status allows; a need that
 * is elsewhere already (cancelled by its household, say) is left alone.
 */
export async function followPass(trx: Db, needId: string, steps: readonly (readonly [NeedStatus, NeedStatus])[], change: { actor: string; at: Date; note: string; failureReason?: string }): Promise<void> {
  const row = await trx.selectFrom('needs').select('status').where('id', '=', needId).forUpdate().executeTakeFirst();
  let status = row?.status;
  const history: { need_id: string; from_status: string; to_status: string; note: string; actor: string; at: Date }[] = [];
  for (const [from, to] of steps) {
    if (status !== from) continue;
    history.push({ need_id: needId, from_status: from, to_status: to, note: change.note, actor: change.actor, at: change.at });
    status = to;
  }
  if (history.length === 0 || status === undefined) return;
  await trx.updateTable('needs').set({ status, updated_at: change.at, ...(status === 'failed' ? { failure_reason: change.failureReason ?? change.note } : {}) })
    .where('id', '=', needId).execute();
  await trx.insertInto('need_status_history').values(history).execute();
}

/** The id of the need's latest pass (by creation time), if it has one. */
export async function latestPassIdOfNeed(db: Db, needId: string): Promise<string | undefined> {
  const passRow = await sql<{ id: string }>`select id from passes where need_id = ${needId} order by created_at desc limit 1`.execute(db);
  return passRow.rows[0]?.id;
}
