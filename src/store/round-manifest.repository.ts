/**
 * A need's place on a stored plan (which round, trip and stop carry its bags) and taking it off
 * a stop's manifest (a cancelled need). Callers hold the round's row lock, so no merge, re-plan,
 * stop move or dispatch of the same round runs meanwhile.
 */
import { sql } from 'kysely';
import { LIVE_PLAN_ROUND_STATUSES, type RoundStatus } from '../domain/round';
import type { Db } from './db';

/** Rounds whose plan still carries bags to households (earlier ones are history). */
const LIVE_PLAN = LIVE_PLAN_ROUND_STATUSES;

export interface NeedPlacement {
  roundId: string;
  roundStatus: RoundStatus;
  tripId: string;
  stopId: string;
  corridorId: string;
  stopStatus: 'pending' | 'loaded' | 'delivered' | 'failed';
  /** The trip's driver, set at dispatch. */
  driverId: string | null;
}

/** Where the need's bags are on a live round's plan, or undefined when on none. */
export async function findPlacement(db: Db, needId: string): Promise<NeedPlacement | undefined> {
  const res = await sql<{ round_id: string; round_status: RoundStatus; trip_id: string; stop_id: string; corridor_id: string; stop_status: NeedPlacement['stopStatus']; driver_id: string | null }>`
    select r.id as round_id, r.status as round_status, s.trip_id, s.id::text as stop_id, s.corridor_id, s.status as stop_status, t.driver_id
    from round_bags b join round_stops s on s.id = b.stop_id join rounds r on r.id = b.round_id
    join round_trips t on t.round_id = s.round_id and t.id = s.trip_id
    where b.need_id = ${needId} and r.status in (${sql.join(LIVE_PLAN)})
    order by r.created_at desc limit 1`.execute(db);
  const r = res.rows[0];
  return r && { roundId: r.round_id, roundStatus: r.round_status, tripId: r.trip_id, stopId: r.stop_id, corridorId: r.corridor_id, stopStatus: r.stop_status, driverId: r.driver_id };
}

/** The round row lock callers of this file take first (round.repository). */
export { lockRound } from './round.repository';

export interface ManifestRemoval {
  /** Bag ids that left the stop's manifest. */
  bagIds: string[];
  /** True when the stop had nothing else and left its trip. */
  stopRemoved: boolean;
  /** True when the trip had no stop left and left the plan. */
  tripRemoved: boolean;
}

/**
 * Takes the need's bags off the stop. A stop left without bags leaves its trip, the trip's later
 * stops close ranks (seq 0..n-1) and a trip left without stops leaves the plan, as when a merge
 * drops stops for want of stock. Trip distance and duration stay the solver's (now an overestimate).
 */
export async function removeNeedFromStop(db: Db, roundId: string, stopId: string, tripId: string, needId: string): Promise<ManifestRemoval> {
  const removed = await db.deleteFrom('round_bags').where('round_id', '=', roundId).where('stop_id', '=', stopId).where('need_id', '=', needId)
    .returning('bag_id').execute();
  const left = await db.selectFrom('round_bags').select('bag_id').where('stop_id', '=', stopId).limit(1).executeTakeFirst();
  if (left) return { bagIds: removed.map((r) => r.bag_id).sort(), stopRemoved: false, tripRemoved: false };
  await db.deleteFrom('round_stops').where('round_id', '=', roundId).where('id', '=', stopId).execute();
  // (round_id, trip_id, seq) is unique but deferred, so one statement may shift the whole trip.
  await sql`update round_stops s set seq = r.n - 1 from (
    select id, row_number() over (order by seq) as n from round_stops where round_id = ${roundId} and trip_id = ${tripId}) r
    where s.id = r.id and s.seq <> r.n - 1`.execute(db);
  const trip = await db.deleteFrom('round_trips').where('round_id', '=', roundId).where('id', '=', tripId)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('round_stops as s').select('s.id').whereRef('s.round_id', '=', 'round_trips.round_id').whereRef('s.trip_id', '=', 'round_trips.id'))))
    .returning('id').execute();
  return { bagIds: removed.map((r) => r.bag_id).sort(), stopRemoved: true, tripRemoved: trip.length > 0 };
}

/**
 * The plan's needs no longer planned (cancelled while their round was being planned), each with its
 * stop and trip, in stop then need order.
 */
export async function withdrawnNeedsOnPlan(db: Db, roundId: string): Promise<{ needId: string; stopId: string; tripId: string }[]> {
  const gone = await sql<{ need_id: string; stop_id: string | number; trip_id: string }>`
    select distinct b.need_id, b.stop_id, s.trip_id from round_bags b
    join round_stops s on s.id = b.stop_id join needs n on n.id = b.need_id
    where b.round_id = ${roundId} and n.status <> 'planned' order by b.stop_id, b.need_id`.execute(db);
  return gone.rows.map((g) => ({ needId: g.need_id, stopId: String(g.stop_id), tripId: g.trip_id }));
}

/** Bag ids on the round's manifest that carry a medicine bag's label (`MB-…`). */
export async function medicineBagIdsOnPlan(db: Db, roundId: string): Promise<string[]> {
  const rows = await sql<{ bag_id: string }>`select bag_id from round_bags where round_id = ${roundId} and bag_id like 'MB-%'`.execute(db);
  return rows.rows.map((r) => r.bag_id);
}
