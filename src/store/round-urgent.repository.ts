/**
 * What urgent insertion reads and writes of a live plan: the emergency need with its household's
 * place, the live round over its community, the stops an urgent stop can go between, and the new
 * stop itself. Locks are taken in the order rounds need them elsewhere too: the need, then its round.
 */
import { sql } from 'kysely';
import type { NeedKind, Urgency } from '../domain/kinds';
import type { Db } from './db';

/** Rounds whose plan is live enough to take an urgent stop. */
const LIVE = ['approved', 'dispatched', 'in_progress'] as const;

export interface UrgentNeed {
  id: string; kind: NeedKind; urgency: Urgency; status: string; corridorId: string; communityId: string;
  members: number; lat: number; lon: number;
}

/** The need with its household's size and place, locked `for update of n`; undefined when none. */
export async function lockUrgentNeed(trx: Db, needId: string): Promise<UrgentNeed | undefined> {
  const need = await sql<{ id: string; kind: NeedKind; urgency: Urgency; status: string; corridor_id: string; community_id: string; members: number; lat: number; lon: number }>`
      select n.id, n.kind, n.urgency, n.status, n.corridor_id, n.community_id, h.members, h.lat, h.lon
      from needs n join households h on h.id = n.household_id where n.id = ${needId} for update of n`.execute(trx);
  const n = need.rows[0];
  return n && { id: n.id, kind: n.kind, urgency: n.urgency, status: n.status, corridorId: n.corridor_id, communityId: n.community_id, members: n.members, lat: Number(n.lat), lon: Number(n.lon) };
}

/** The newest live round whose area contains the community (walking up the grid), locked `for update of r`. */
export async function lockLiveRoundOver(trx: Db, communityId: string): Promise<{ id: string; status: string } | undefined> {
  const res = await sql<{ id: string; status: string }>`
    with recursive up as (
      select id, parent_id from areas where id = ${communityId}
      union all select a.id, a.parent_id from areas a join up on a.id = up.parent_id
    )
    select r.id, r.status from rounds r where r.area_id in (select id from up) and r.status in (${sql.join(LIVE)})
    order by r.created_at desc limit 1 for update of r`.execute(trx);
  const r = res.rows[0];
  return r && { id: r.id, status: r.status };
}

/** A stop of a live plan with what an insertion next to it must respect (its trip's depot, capacity, times). */
export interface InsertionStop {
  tripId: string; seq: number; status: string; plannedStartS: number;
  /** The stop's place: the mean of its corridor's households. */
  lat: number; lon: number; depotLat: number; depotLon: number;
  /** The vehicle's bag capacity; null: unlimited. */
  capBags: number | null;
  bags: number; durationS: number; departS: number;
  /** When the van must be back to reload for its next trip; null: no next trip. */
  backByS: number | null;
}

/** Every stop of the round, in trip then seq order. */
export async function insertionStops(trx: Db, roundId: string): Promise<InsertionStop[]> {
  const stops = await sql<{ trip_id: string; seq: number; status: string; planned_start_s: number; lat: number; lon: number; depot_lat: number; depot_lon: number; cap_bags: number | null; bags: string; duration_s: number; depart_s: number; back_by_s: number | null }>`
    select s.trip_id, s.seq, s.status, s.planned_start_s, c.lat, c.lon, d.lat as depot_lat, d.lon as depot_lon, coalesce(v.capacity->>'bags', v.capacity->>'packages')::float as cap_bags, t.duration_s, t.depart_s,
      -- A van on several trips must be back (and reloaded) before its next trip leaves.
      (select min(n.depart_s) - 60 * v.reload_minutes from round_trips n where n.round_id = t.round_id and n.vehicle_id = t.vehicle_id and n.trip_no > t.trip_no) as back_by_s,
      (select count(*) from round_bags b where b.stop_id = s.id) as bags
    from round_stops s
    join round_trips t on t.round_id = s.round_id and t.id = s.trip_id
    join vehicles v on v.id = t.vehicle_id join depots d on d.id = t.depot_id
    join lateral (select avg(h.lat) as lat, avg(h.lon) as lon from households h where h.corridor_id = s.corridor_id) c on true
    where s.round_id = ${roundId} order by s.trip_id, s.seq`.execute(trx);
  return stops.rows.map((s) => ({
    tripId: s.trip_id, seq: s.seq, status: s.status, plannedStartS: Number(s.planned_start_s), lat: Number(s.lat), lon: Number(s.lon),
    depotLat: Number(s.depot_lat), depotLon: Number(s.depot_lon), capBags: s.cap_bags, bags: Number(s.bags), durationS: Number(s.duration_s),
    departS: Number(s.depart_s), backByS: s.back_by_s === null ? null : Number(s.back_by_s),
  }));
}

export interface NewUrgentStop {
  tripId: string; seq: number; corridorId: string; plannedStartS: number; status: 'pending' | 'loaded';
  bags: readonly { bagId: string; needId: string; item: string }[];
}

/** Inserts an urgent stop with its bags at `seq` of its trip; the trip's later stops move one place down. */
export async function insertUrgentStop(trx: Db, roundId: string, stop: NewUrgentStop): Promise<void> {
  // The unique (trip, seq) key is checked at commit.
  await trx.updateTable('round_stops').set((eb) => ({ seq: eb('seq', '+', 1) })).where('round_id', '=', roundId).where('trip_id', '=', stop.tripId).where('seq', '>=', stop.seq).execute();
  const row = await trx.insertInto('round_stops').values({ round_id: roundId, trip_id: stop.tripId, seq: stop.seq, corridor_id: stop.corridorId, planned_start_s: stop.plannedStartS, urgent: true, status: stop.status }).returning('id').executeTakeFirstOrThrow();
  await trx.insertInto('round_bags').values(stop.bags.map((b) => ({ round_id: roundId, bag_id: b.bagId, stop_id: row.id, need_id: b.needId, item: b.item }))).execute();
}

/** The round's first vehicle (by id) with its depot, driver and last trip number; undefined when the round has no trip. */
export async function firstVehicleOfRound(trx: Db, roundId: string): Promise<{ vehicleId: string; depotId: string; driverId: string | null; lastTripNo: number } | undefined> {
  const vehicle = await trx.selectFrom('round_trips').select(['vehicle_id', 'depot_id', 'driver_id']).select((eb) => eb.fn.max('trip_no').as('last'))
    .where('round_id', '=', roundId).groupBy(['vehicle_id', 'depot_id', 'driver_id']).orderBy('vehicle_id').executeTakeFirst();
  return vehicle && { vehicleId: vehicle.vehicle_id, depotId: vehicle.depot_id, driverId: vehicle.driver_id, lastTripNo: Number(vehicle.last) };
}

/** Ids of the emergency needs still accepted. */
export async function acceptedEmergencyNeedIds(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('needs').select('id')
    .where('status', '=', 'accepted').where('urgency', '=', 'emergency').execute();
  return rows.map((r) => r.id);
}

/** The household and community of a need (no details); undefined when none. */
export async function needHouseholdAndCommunity(db: Db, needId: string): Promise<{ householdId: string; communityId: string } | undefined> {
  const need = await db.selectFrom('needs').select(['household_id', 'community_id']).where('id', '=', needId).executeTakeFirst();
  return need && { householdId: need.household_id, communityId: need.community_id };
}
