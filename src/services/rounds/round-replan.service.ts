/**
 * A dispatcher's hand on a proposal: move a stop to another trip (it is then locked), lock or
 * unlock stops, and re-plan the rest. A re-plan keeps every locked stop on its trip in its order
 * (and so its vehicle), puts every other need of the round back into planning, and runs a new plan
 * generation through the queue with the vehicles no locked stop holds.
 */
import type { Producers } from '../../queue/producers';
import { systemClock, type Clock } from '../../shared/clock';
import { AppError, notFound } from '../../shared/errors';
import type { Db } from '../../store/db';
import { lockAcceptedNeedsOfRound, lockRoundPreparation, lockRoundRow, moveNeeds, setRoundPlanning } from '../../store/round.repository';
import { findStop, keepLockedStopsOnly, moveStopTo, setStopLocked, tripLoadWithout, unlockedStopIds, unlockedStopNeedIds } from '../../store/round-stops.repository';
import { assertPlanKeepsRules } from './plan-check.service';
import { decomposeInto, enqueueRound } from './round.service';
import { releaseForStops } from '../stock/stock-round.service';
import { markBulkLane } from '../../store/need-status-live.repository';

async function lockProposed(trx: Db, roundId: string): Promise<{ generation: number }> {
  const round = await lockRoundRow(trx, roundId);
  if (!round) throw notFound('round');
  if (round.status !== 'proposed') {
    throw new AppError('invalid_transition', `stops of a round that is ${round.status} cannot be changed`, { details: { roundStatus: round.status } });
  }
  return round;
}

/** Moves a stop (with its bags) to `tripId` at `position`, and locks it there. */
export async function moveStop(db: Db, roundId: string, stopId: string, tripId: string, position: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockProposed(trx, roundId);
    const stop = await findStop(trx, roundId, stopId);
    if (!stop) throw notFound('stop');
    const target = await tripLoadWithout(trx, roundId, tripId, stopId);
    if (!target) throw notFound('trip');
    await moveStopTo(trx, roundId, stop, tripId, Math.min(position, target.stops));
    // Load in every dimension, skills, gate hours, shift, the van's next trip: refused (409, nothing stored) if one breaks.
    await assertPlanKeepsRules(trx, roundId, `moving stop ${stopId} to trip ${tripId}`);
  });
}

export async function setStopLock(db: Db, roundId: string, stopId: string, locked: boolean): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockProposed(trx, roundId);
    if (!(await setStopLocked(trx, roundId, stopId, locked))) throw notFound('stop');
    // A locked stop is kept as it is through re-plans: only a plan that keeps every rule may be held so.
    await assertPlanKeepsRules(trx, roundId, `${locked ? 'locking' : 'unlocking'} stop ${stopId}`);
  });
}

/**
 * proposed > planning again: keeps locked stops (and the stock they hold), re-plans every other need
 * of the round; the stock of the stops it drops goes back first, for the new plan to reserve again.
 * `clock` (default: the system's) stamps the stock ledger; `requestId` goes on in the new flow's jobs.
 */
export async function replanRound(deps: { db: Db; producers: Pick<Producers, 'ready' | 'addRoundFlow'>; clock?: Clock }, roundId: string, actor: string, requestId?: string): Promise<void> {
  if (!deps.producers.ready()) throw new AppError('unavailable', 'the planning queue is unavailable; retry shortly');
  await deps.db.transaction().execute(async (trx) => {
    const { generation } = await lockProposed(trx, roundId);
    await lockRoundPreparation(trx);
    // Every need not on a locked stop goes back to accepted: the bulk lane of the live relay.
    await markBulkLane(trx);
    const freed = await unlockedStopNeedIds(trx, roundId);
    await moveNeeds(trx, freed, 'planned', 'accepted', actor, `round ${roundId} re-planned`);
    const dropped = await unlockedStopIds(trx, roundId);
    await releaseForStops({ db: trx, clock: deps.clock ?? systemClock }, roundId, dropped, actor, 're-plan');
    // The unlocked stops go; kept stops close ranks in their trips; trips left empty go.
    await keepLockedStopsOnly(trx, roundId);
    // What stays (the locked stops on their trips) must keep every rule: the new plan is built around it.
    await assertPlanKeepsRules(trx, roundId, 're-planning');
    // Everything of the round not on a kept stop: the freed needs and the ones left unserved before.
    const needs = await lockAcceptedNeedsOfRound(trx, roundId);
    // Still `proposed` here: vehicles holding kept stops count as taken, the others are free again.
    await decomposeInto(trx, roundId, needs, generation + 1);
    await setRoundPlanning(trx, roundId, generation + 1);
  });
  await enqueueRound(deps, roundId, requestId);
}

