/**
 * A dispatcher's hand on a proposal: move a stop to another trip (it is then locked), lock or
 * unlock stops, and re-plan the rest. A re-plan keeps every locked stop on its trip in its order
 * (and so its vehicle), puts every other need of the round back into planning, and runs a new plan
 * generation through the queue with the vehicles no locked stop holds.
 */
import { sql } from 'kysely';
import type { Producers } from '../../queue/producers';
import { systemClock, type Clock } from '../../shared/clock';
import { AppError, notFound } from '../../shared/errors';
import type { Db } from '../../store/db';
import { moveNeeds, type ClaimableNeed } from '../../store/round.repository';
import { decomposeInto, enqueueRound } from './round.service';
import { releaseForStops } from '../stock/stock-round.service';

async function lockProposed(trx: Db, roundId: string): Promise<{ generation: number }> {
  const round = await trx.selectFrom('rounds').select(['status', 'generation']).where('id', '=', roundId).forUpdate().executeTakeFirst();
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
    const stop = await trx.selectFrom('round_stops').select(['id', 'trip_id', 'seq']).where('round_id', '=', roundId).where('id', '=', stopId).executeTakeFirst();
    if (!stop) throw notFound('stop');
    const trip = await sql<{ cap: number | null; bags: string; stops: string }>`
      select coalesce(v.capacity->>'bags', v.capacity->>'packages')::float as cap,
        (select count(*) from round_bags b join round_stops s on s.id = b.stop_id where s.round_id = t.round_id and s.trip_id = t.id and s.id <> ${stopId}) as bags,
        (select count(*) from round_stops s where s.round_id = t.round_id and s.trip_id = t.id and s.id <> ${stopId}) as stops
      from round_trips t join vehicles v on v.id = t.vehicle_id where t.round_id = ${roundId} and t.id = ${tripId}`.execute(trx);
    const target = trip.rows[0];
    if (!target) throw notFound('trip');
    const moving = await trx.selectFrom('round_bags').select((eb) => eb.fn.countAll<string>().as('n')).where('stop_id', '=', stopId).executeTakeFirstOrThrow();
    if (target.cap !== null && Number(target.bags) + Number(moving.n) > target.cap) {
      throw new AppError('conflict', `trip ${tripId} cannot take ${moving.n} more bags`, { details: { capacity: target.cap, loaded: Number(target.bags) } });
    }
    const at = Math.min(position, Number(target.stops));
    // Close the gap it leaves, open one where it goes (the (trip, seq) key is checked at commit).
    await trx.updateTable('round_stops').set((eb) => ({ seq: eb('seq', '-', 1) })).where('round_id', '=', roundId).where('trip_id', '=', stop.trip_id).where('seq', '>', stop.seq).execute();
    await trx.updateTable('round_stops').set((eb) => ({ seq: eb('seq', '+', 1) })).where('round_id', '=', roundId).where('trip_id', '=', tripId).where('seq', '>=', at).where('id', '<>', stopId).execute();
    await trx.updateTable('round_stops').set({ trip_id: tripId, seq: at, locked: true }).where('id', '=', stopId).execute();
    await trx.deleteFrom('round_trips').where('round_id', '=', roundId).where('id', '=', stop.trip_id)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('round_stops').select('id').where('round_id', '=', roundId).where('trip_id', '=', stop.trip_id)))).execute();
  });
}

export async function setStopLock(db: Db, roundId: string, stopId: string, locked: boolean): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockProposed(trx, roundId);
    const res = await trx.updateTable('round_stops').set({ locked }).where('round_id', '=', roundId).where('id', '=', stopId).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw notFound('stop');
  });
}

/**
 * proposed > planning again: keeps locked stops (and the stock they hold), re-plans every other need
 * of the round; the stock of the stops it drops goes back first, for the new plan to reserve again.
 * `clock` (default: the system's) stamps the stock ledger.
 */
export async function replanRound(deps: { db: Db; producers: Pick<Producers, 'ready' | 'addRoundFlow'>; clock?: Clock }, roundId: string, actor: string): Promise<void> {
  if (!deps.producers.ready()) throw new AppError('unavailable', 'the planning queue is unavailable; retry shortly');
  await deps.db.transaction().execute(async (trx) => {
    const { generation } = await lockProposed(trx, roundId);
    await sql`select pg_advisory_xact_lock(hashtext('cordon.prepare-round'))`.execute(trx);
    const freed = await sql<{ need_id: string }>`
      select distinct b.need_id from round_bags b join round_stops s on s.id = b.stop_id where s.round_id = ${roundId} and not s.locked`.execute(trx);
    await moveNeeds(trx, freed.rows.map((r) => r.need_id), 'planned', 'accepted', actor, `round ${roundId} re-planned`);
    const dropped = await trx.selectFrom('round_stops').select('id').where('round_id', '=', roundId).where('locked', '=', false).execute();
    await releaseForStops({ db: trx, clock: deps.clock ?? systemClock }, roundId, dropped.map((s) => String(s.id)), actor, 're-plan');
    await trx.deleteFrom('round_stops').where('round_id', '=', roundId).where('locked', '=', false).execute();
    // Kept stops close ranks in their trips; trips left empty go.
    await sql`update round_stops s set seq = r.n - 1 from (
      select id, row_number() over (partition by trip_id order by seq) as n from round_stops where round_id = ${roundId}) r
      where s.id = r.id`.execute(trx);
    await trx.deleteFrom('round_trips').where('round_id', '=', roundId)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('round_stops as s').select('s.id').whereRef('s.round_id', '=', 'round_trips.round_id').whereRef('s.trip_id', '=', 'round_trips.id')))).execute();
    await trx.deleteFrom('round_unserved').where('round_id', '=', roundId).execute();
    // Everything of the round not on a kept stop: the freed needs and the ones left unserved before.
    const needs = await sql<ClaimableNeed>`
      select n.id, n.community_id, n.corridor_id from round_needs rn join needs n on n.id = rn.need_id
      where rn.round_id = ${roundId} and n.status = 'accepted'
      order by n.community_id, n.corridor_id, n.id for update of n`.execute(trx);
    // Still `proposed` here: vehicles holding kept stops count as taken, the others are free again.
    await decomposeInto(trx, roundId, needs.rows, generation + 1);
    await trx.updateTable('rounds').set({ status: 'planning', progress: 0, generation: generation + 1, updated_at: new Date() }).where('id', '=', roundId).execute();
  });
  await enqueueRound(deps, roundId);
}

