/**
 * Carries what drivers report on stops over to the round and its needs: a round with a closed stop
 * is in progress, a round with every stop closed is completed; the needs of a delivered stop are
 * delivered, those of a failed stop failed with the reason. Idempotent, so it runs from the
 * reconciler (and may be called right after a stop report for immediacy).
 */
import { sql } from 'kysely';
import { systemClock, type Clock } from '../shared/clock';
import type { Db } from '../store/db';
import { moveNeeds, type RoundDb } from '../store/round.repository';
import { planDb } from '../store/round-plan.repository';
import { releaseForStops } from './stock-round.service';

export interface SettleReport { status: string; delivered: number; failed: number }

/** `clock` (default: the system's) stamps the stock ledger when a failed stop gives its stock back. */
export async function settleRound(db: Db, roundId: string, clock: Clock = systemClock): Promise<SettleReport | null> {
  return planDb(db).transaction().execute(async (trx) => {
    const round = await trx.selectFrom('rounds').select('status').where('id', '=', roundId).forUpdate().executeTakeFirst();
    if (!round || (round.status !== 'dispatched' && round.status !== 'in_progress')) return null;
    const rows = await sql<{ need_id: string; stop_status: string }>`
      select distinct b.need_id, s.status as stop_status from round_bags b join round_stops s on s.id = b.stop_id
      where b.round_id = ${roundId} and s.status in ('delivered', 'failed')`.execute(trx);
    const rtrx = trx as unknown as RoundDb; // same transaction, typed for the round tables
    const delivered = await moveNeeds(rtrx, rows.rows.filter((r) => r.stop_status === 'delivered').map((r) => r.need_id), 'out_for_delivery', 'delivered', 'driver', `round ${roundId}`);
    const failed = await moveNeeds(rtrx, rows.rows.filter((r) => r.stop_status === 'failed').map((r) => r.need_id), 'out_for_delivery', 'failed', 'driver', `round ${roundId}`, 'delivery failed at the stop');
    if (failed.length) {
      // Whatever a failed stop still holds goes back (an urgent stop reserved late; a loaded one was deducted already).
      const stops = await trx.selectFrom('round_stops').select('id').where('round_id', '=', roundId).where('status', '=', 'failed').execute();
      await releaseForStops({ db: trx as unknown as Db, clock }, roundId, stops.map((s) => String(s.id)), 'driver', 'stop failed');
    }
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
