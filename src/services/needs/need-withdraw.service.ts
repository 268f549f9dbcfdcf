/**
 * A need cancelled while a round carries it: what happens to the round, inside the cancel's transaction.
 *
 * Before dispatch (round proposed or approved, stop still pending): the need's bags leave its stop's
 * manifest, the stock reserved for it goes back to available (a `release` ledger row per item,
 * reason `need <id> cancelled`); a stop with nothing left leaves its trip, which closes ranks. A
 * `round.manifest_changed` event for the dispatch desk and the stop's corridor is staged with the
 * change and released (numbered and sent) by the caller after commit.
 *
 * After dispatch (round dispatched or in progress, or the stop loaded): REFUSED with 409. The bags
 * are on the van and their stock has left the depot (deducted at loading): releasing a reservation
 * would count goods that are not on the shelf. The driver reports the stop at the door (failed,
 * reason `refused`), and the bags come back with the van. Likewise while the round is being
 * re-planned (status planning): 409, retry once the new proposal is stored.
 *
 * Locks, in the order merge, re-plan and dispatch take them: the round's row, then the need's row,
 * then stock balances (depot, item). A cancel racing a dispatch either commits first (dispatch then
 * loads what is left) or waits and finds the round dispatched (409): no stock stays reserved for a
 * cancelled need either way.
 */
import { batchId, scope } from '../../contracts/events';
import type { Clock } from '../../shared/clock';
import { AppError } from '../../shared/errors';
import type { Db } from '../../store/db';

import { findPlacement, lockRound, removeNeedFromStop, type NeedPlacement } from '../../store/round-manifest.repository';
import type { LivePublisher, Staged } from '../live-status/live.service';
import { releaseForNeed, releaseForStops } from '../stock/stock-round.service';
import { assertChangeAddsNoBreak, checkPlanOf } from '../rounds/plan-check.service';

export type ManifestPublisher = Pick<LivePublisher, 'store' | 'release'>;

export interface Withdrawal {
  placement: NeedPlacement;
  bagIds: string[];
  stopRemoved: boolean;
  /** Stored in the transaction; fan them out once it committed. */
  envelopes: Staged[];
}

/**
 * Finds the live round carrying the need and locks it. Call before locking the need's row (lock
 * order). Returns undefined when no live round carries the need.
 */
export async function lockPlacement(db: Db, needId: string): Promise<NeedPlacement | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const seen = await findPlacement(db, needId);
    if (!seen) return undefined;
    await lockRound(db, seen.roundId);
    // Read again under the lock: a merge, move or dispatch may have committed in between.
    const now = await findPlacement(db, needId);
    if (!now || now.roundId === seen.roundId) return now;
  }
  throw new AppError('conflict', 'the round carrying this need keeps changing; retry');
}

/** Takes a cancelled need out of its round (see the rules above); throws 409 once its bags are loaded. */
export async function withdrawFromRound(
  deps: { db: Db; clock: Clock; live?: ManifestPublisher | undefined },
  need: { id: string; householdId: string | null },
  placement: NeedPlacement,
  actor: string,
): Promise<Withdrawal> {
  const { roundId, tripId, stopId } = placement;
  const where = { roundId, batchId: batchId(roundId, tripId), stopId };
  if (placement.roundStatus === 'planning') {
    throw new AppError('invalid_transition', 'the round carrying this need is being re-planned; retry once the new proposal is ready', { details: where });
  }
  if (placement.roundStatus === 'dispatched' || placement.roundStatus === 'in_progress' || placement.stopStatus !== 'pending') {
    throw new AppError('invalid_transition',
      'the bags for this need are already on the van: it cannot be cancelled here; the driver reports it at the door (refused) and brings the bags back', { details: where });
  }
  const trx = deps.db;
  const reason = `need ${need.id} cancelled`;
  const before = await checkPlanOf(trx, roundId);
  // Release first: the share is read from the manifest line that is about to go.
  await releaseForNeed({ db: deps.db as Db, clock: deps.clock }, roundId, stopId, need.id, actor, reason);
  const removal = await removeNeedFromStop(trx, roundId, stopId, tripId, need.id);
  // A stop that left its trip must hold nothing (dispatch loads only the stops it finds).
  if (removal.stopRemoved) await releaseForStops({ db: deps.db as Db, clock: deps.clock }, roundId, [stopId], actor, reason);
  // The plan without the need's bags is checked in full like any change: refused (nothing stored) if it
  // breaks a rule the plan kept before; a plan broken since it was made does not hold a cancellation back.
  await assertChangeAddsNoBreak(trx, roundId, `cancelling need ${need.id}`, before);
  const envelopes = deps.live
    ? await deps.live.store(deps.db, [scope.dispatch, scope.corridor(placement.corridorId)], {
      type: 'round.manifest_changed', ...where, needId: need.id, householdId: need.householdId,
      change: 'need_cancelled', bagIds: removal.bagIds, stopRemoved: removal.stopRemoved,
    })
    : [];
  return { placement, bagIds: removal.bagIds, stopRemoved: removal.stopRemoved, envelopes };
}
