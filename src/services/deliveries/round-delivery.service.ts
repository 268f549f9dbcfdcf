/**
 * Carries what drivers report on stops over to the round and its needs: a round with a closed stop
 * is in progress, a round with every stop closed is completed; the needs of a delivered stop are
 * delivered, those of a failed stop failed with the reason, and an emergency case on such a need
 * done or unserved with it. Idempotent, so it runs from the
 * reconciler (and may be called right after a stop report for immediacy).
 */
import type { Db } from '../../store/db';
import { needsOnClosedStops, roundOpenState, stopCounts } from '../../store/delivery.repository';
import { settleCasesOfNeeds } from '../../store/emergency.repository';
import { lockRound, moveNeeds, setRoundStatus } from '../../store/round.repository';

export interface SettleReport { status: string; delivered: number; failed: number }

/**
 * Settles the round's closed stops, or only `stopId` (what a stop report or a handover just
 * closed: reading every closed stop of the round on each of a district's thousands of handovers,
 * under the round's lock, made them queue behind each other, issue #21). A stop's own settle moves
 * its needs even when another settle already completed the round (that one counted the stop closed).
 *
 * The whole round's settle (the reconciler's) holds the round's row lock throughout. A stop's own
 * takes it only when the round's status may move with it: the round still `dispatched` (its first
 * closed stop) or no stop left open (its last). In between a stop's needs move on their own rows
 * (each from `out_for_delivery` only), so the district's handovers settle side by side: under one
 * lock, 300 drivers' handovers waited 0.9 s each on average for the round's row in the full-scale
 * day, up to 17 at once, each holding a pooled connection, and every other request waited for the
 * pool. No stop is missed for it: a stop is closed, and committed, before its settle starts, so of
 * the last stops closed at the same time the settle that counts last counts them all closed.
 */
export async function settleRound(db: Db, roundId: string, stopId?: string): Promise<SettleReport | null> {
  return db.transaction().execute(async (trx) => {
    const seen = stopId === undefined ? undefined : await roundOpenState(trx, roundId);
    if (stopId !== undefined && !seen) return null;
    const locking = !seen || seen.status === 'dispatched' || !seen.anyOpen;
    const current = locking ? await lockRound(trx, roundId) : seen.status;
    const onRoad = current === 'dispatched' || current === 'in_progress';
    if (!onRoad && !(stopId !== undefined && current === 'completed')) return null;
    // Counted before the needs are read: each statement sees what has committed when it starts, and
    // a stop is closed without the round's lock. Counted after, a stop closed in between was counted
    // closed (the round completed) while its needs were not read; its own settle then found the round
    // completed and its needs stayed out for delivery (district-day bench, 16-26 needs a run). A stop
    // counted closed now is closed for the read below too. Unlocked, the status does not move: the
    // round is in progress (not dispatched), a stop is open, and this settle's own stop is closed.
    const counts = locking ? await stopCounts(trx, roundId) : undefined;
    const rows = await needsOnClosedStops(trx, roundId, stopId);
    const delivered = await moveNeeds(trx, rows.filter((r) => r.stopStatus === 'delivered').map((r) => r.needId), 'out_for_delivery', 'delivered', 'driver', `round ${roundId}`);
    const failed = await moveNeeds(trx, rows.filter((r) => r.stopStatus === 'failed').map((r) => r.needId), 'out_for_delivery', 'failed', 'driver', `round ${roundId}`, 'delivery failed at the stop');
    // An emergency placed on this round ends with its stop (no one reports its case done apart).
    await settleCasesOfNeeds(trx, delivered, 'delivered', new Date());
    await settleCasesOfNeeds(trx, failed, 'failed', new Date());
    const status = !onRoad || !counts ? current : counts.open === 0 ? 'completed' : counts.closed > 0 ? 'in_progress' : current;
    if (status !== current) await setRoundStatus(trx, roundId, status);
    return { status, delivered: delivered.length, failed: failed.length };
  });
}
