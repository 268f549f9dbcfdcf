/**
 * Carries what drivers report on stops over to the round and its needs: a round with a closed stop
 * is in progress, a round with every stop closed is completed; the needs of a delivered stop are
 * delivered, those of a failed stop failed with the reason. Idempotent, so it runs from the
 * reconciler (and may be called right after a stop report for immediacy).
 */
import { sql } from 'kysely';
import type { Db } from '../../store/db';
import { moveNeeds } from '../../store/round.repository';

export interface SettleReport { status: string; delivered: number; failed: number }

export async function settleRound(db: Db, roundId: string): Promise<SettleReport | null> {
  return db.transaction().execute(async (trx) => {
    const round = await trx.selectFrom('rounds').select('status').where('id', '=', roundId).forUpdate().executeTakeFirst();
    if (!round || (round.status !== 'dispatched' && round.status !== 'in_progress')) return null;
    const rows = await sql<{ need_id: string; stop_status: string }>`
      select distinct b.need_id, s.status as stop_status from round_bags b join round_stops s on s.id = b.stop_id
      where b.round_id = ${roundId} and s.status in ('delivered', 'failed')`.execute(trx);
    const delivered = await moveNeeds(trx, rows.rows.filter((r) => r.stop_status === 'delivered').map((r) => r.need_id), 'out_for_delivery', 'delivered', 'driver', `round ${roundId}`);
    const failed = await moveNeeds(trx, rows.rows.filter((r) => r.stop_status === 'failed').map((r) => r.need_id), 'out_for_delivery', 'failed', 'driver', `round ${roundId}`, 'delivery failed at the stop');
    const counts = await sql<{ open: string; closed: string }>`
      select count(*) filter (where status in ('pending', 'loaded')) as open, count(*) filter (where status in ('delivered', 'failed')) as closed
      from round_stops where round_id = ${roundId}`.execute(trx);
    const open = Number(counts.rows[0]?.open ?? 0);
    const closed = Number(counts.rows[0]?.closed ?? 0);
    const status = open === 0 ? 'completed' : closed > 0 ? 'in_progress' : round.status;
    if (status !== round.status) await trx.updateTable('rounds').set({ status, updated_at: new Date() }).where('id', '=', roundId).execute();
    return { status, delivered: delivered.length, failed: failed.length };
  });
}
