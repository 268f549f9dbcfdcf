/**
 * Stops of a stored plan as a dispatcher or the stock check changes them: moved to another trip,
 * locked, dropped (their bags go with them), trips closing ranks and trips left empty leaving the
 * plan. Callers hold the round's row lock (round.repository `lockRoundRow`), so nothing else
 * reorders the same round meanwhile; the (trip, seq) key is deferred and checked at commit.
 */
import { sql } from 'kysely';
import type { Db } from './db';

export interface StopOnTrip { id: string; tripId: string; seq: number }

/** The stop of the round with this id, with its trip and position; undefined when none. */
export async function findStop(trx: Db, roundId: string, stopId: string): Promise<StopOnTrip | undefined> {
  const stop = await trx.selectFrom('round_stops').select(['id', 'trip_id', 'seq']).where('round_id', '=', roundId).where('id', '=', stopId).executeTakeFirst();
  return stop && { id: stop.id, tripId: stop.trip_id, seq: stop.seq };
}

/** What a trip holds apart from one stop: its vehicle's bag capacity (null: unlimited), its bags and stops; undefined when no such trip. */
export async function tripLoadWithout(trx: Db, roundId: string, tripId: string, stopId: string): Promise<{ capacity: number | null; bags: number; stops: number } | undefined> {
  const trip = await sql<{ cap: number | null; bags: string; stops: string }>`
      select coalesce(v.capacity->>'bags', v.capacity->>'packages')::float as cap,
        (select count(*) from round_bags b join round_stops s on s.id = b.stop_id where s.round_id = t.round_id and s.trip_id = t.id and s.id <> ${stopId}) as bags,
        (select count(*) from round_stops s where s.round_id = t.round_id and s.trip_id = t.id and s.id <> ${stopId}) as stops
      from round_trips t join vehicles v on v.id = t.vehicle_id where t.round_id = ${roundId} and t.id = ${tripId}`.execute(trx);
  const r = trip.rows[0];
  return r && { capacity: r.cap, bags: Number(r.bags), stops: Number(r.stops) };
}

/** How many bags a stop carries. */
export async function bagsOnStop(trx: Db, stopId: string): Promise<number> {
  const moving = await trx.selectFrom('round_bags').select((eb) => eb.fn.countAll<string>().as('n')).where('stop_id', '=', stopId).executeTakeFirstOrThrow();
  return Number(moving.n);
}

/** Puts `stop` on `tripId` at position `at`, locked there; its old trip closes the gap and leaves the plan if now empty. */
export async function moveStopTo(trx: Db, roundId: string, stop: StopOnTrip, tripId: string, at: number): Promise<void> {
  // Close the gap it leaves, open one where it goes (the (trip, seq) key is checked at commit).
  await trx.updateTable('round_stops').set((eb) => ({ seq: eb('seq', '-', 1) })).where('round_id', '=', roundId).where('trip_id', '=', stop.tripId).where('seq', '>', stop.seq).execute();
  await trx.updateTable('round_stops').set((eb) => ({ seq: eb('seq', '+', 1) })).where('round_id', '=', roundId).where('trip_id', '=', tripId).where('seq', '>=', at).where('id', '<>', stop.id).execute();
  await trx.updateTable('round_stops').set({ trip_id: tripId, seq: at, locked: true }).where('id', '=', stop.id).execute();
  await trx.deleteFrom('round_trips').where('round_id', '=', roundId).where('id', '=', stop.tripId)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('round_stops').select('id').where('round_id', '=', roundId).where('trip_id', '=', stop.tripId)))).execute();
}

/** Locks or unlocks a stop of the round; false when the round has no such stop. */
export async function setStopLocked(trx: Db, roundId: string, stopId: string, locked: boolean): Promise<boolean> {
  const res = await trx.updateTable('round_stops').set({ locked }).where('round_id', '=', roundId).where('id', '=', stopId).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Ids of the needs on the round's unlocked stops (each once). */
export async function unlockedStopNeedIds(trx: Db, roundId: string): Promise<string[]> {
  const freed = await sql<{ need_id: string }>`
      select distinct b.need_id from round_bags b join round_stops s on s.id = b.stop_id where s.round_id = ${roundId} and not s.locked`.execute(trx);
  return freed.rows.map((r) => r.need_id);
}

/** Ids (as text) of the round's unlocked stops. */
export async function unlockedStopIds(trx: Db, roundId: string): Promise<string[]> {
  const dropped = await trx.selectFrom('round_stops').select('id').where('round_id', '=', roundId).where('locked', '=', false).execute();
  return dropped.map((s) => String(s.id));
}

/** Keeps only the locked stops of the plan: the others go (with their bags), kept stops close ranks, empty trips and the unserved list go. */
export async function keepLockedStopsOnly(trx: Db, roundId: string): Promise<void> {
  await trx.deleteFrom('round_stops').where('round_id', '=', roundId).where('locked', '=', false).execute();
  await sql`update round_stops s set seq = r.n - 1 from (
      select id, row_number() over (partition by trip_id order by seq) as n from round_stops where round_id = ${roundId}) r
      where s.id = r.id`.execute(trx);
  await deleteEmptyTrips(trx, roundId);
  await trx.deleteFrom('round_unserved').where('round_id', '=', roundId).execute();
}

/**
 * Takes stops off the plan (their bags go with them) and returns the ids of the needs they carried.
 * In slices: a big shortage can drop thousands of stops (PostgreSQL binds at most 65,535 values per statement).
 */
export async function removeStops(trx: Db, roundId: string, stopIds: readonly string[]): Promise<string[]> {
  const needs: string[] = [];
  for (let i = 0; i < stopIds.length; i += 5000) {
    const slice = stopIds.slice(i, i + 5000);
    needs.push(...(await trx.selectFrom('round_bags').select('need_id').distinct().where('stop_id', 'in', slice).execute()).map((r) => r.need_id));
    await trx.deleteFrom('round_stops').where('round_id', '=', roundId).where('id', 'in', slice).execute(); // bags go with them
  }
  return needs;
}

/** Stops close ranks in their trips (seq 0..n-1), writing only the stops whose place changed. */
export async function closeRanks(trx: Db, roundId: string): Promise<void> {
  await sql`update round_stops s set seq = r.n - 1 from (
    select id, row_number() over (partition by trip_id order by seq) as n from round_stops where round_id = ${roundId}) r
    where s.id = r.id and s.seq <> r.n - 1`.execute(trx);
}

/** Trips of the round left without a stop leave the plan. */
export async function deleteEmptyTrips(trx: Db, roundId: string): Promise<void> {
  await trx.deleteFrom('round_trips').where('round_id', '=', roundId)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('round_stops as s').select('s.id').whereRef('s.round_id', '=', 'round_trips.round_id').whereRef('s.trip_id', '=', 'round_trips.id')))).execute();
}
