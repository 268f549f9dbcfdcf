/**
 * What urgent insertion reads and writes of a live plan: the emergency need with its household's
 * place, the live round over its community, the vehicles of its plan, and the new stop itself.
 * Locks are taken in the order rounds need them elsewhere too: the need, then its round.
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

/** Every vehicle of the round (by id) with its depot, driver and last trip number. */
export async function driversOfRound(trx: Db, roundId: string): Promise<{ vehicleId: string; depotId: string; driverId: string | null; lastTripNo: number }[]> {
  // One row per vehicle: its first trip's driver (the plan's drivers, planning/shifts/driver.assign.ts).
  const rows = await trx.selectFrom('round_trips').select(['vehicle_id', 'depot_id', 'driver_id']).select((eb) => eb.fn.max('trip_no').as('last'))
    .where('round_id', '=', roundId).groupBy(['vehicle_id', 'depot_id', 'driver_id']).orderBy('vehicle_id').execute();
  const byVehicle = new Map<string, { vehicleId: string; depotId: string; driverId: string | null; lastTripNo: number }>();
  for (const v of rows) {
    const seen = byVehicle.get(v.vehicle_id);
    byVehicle.set(v.vehicle_id, {
      vehicleId: v.vehicle_id, depotId: v.depot_id, driverId: seen?.driverId ?? v.driver_id ?? null, lastTripNo: Math.max(seen?.lastTripNo ?? 0, Number(v.last)),
    });
  }
  return [...byVehicle.values()];
}

/** Ids of the emergency needs still accepted. */
export async function acceptedEmergencyNeedIds(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('needs').select('id')
    .where('status', '=', 'accepted').where('urgency', '=', 'emergency').execute();
  return rows.map((r) => r.id);
}

/** The household and community of a need (no details); undefined when none, or when it is a corridor's (no household). */
export async function needHouseholdAndCommunity(db: Db, needId: string): Promise<{ householdId: string; communityId: string } | undefined> {
  const need = await db.selectFrom('needs').select(['household_id', 'community_id']).where('id', '=', needId).executeTakeFirst();
  if (!need || need.household_id === null) return undefined;
  return { householdId: need.household_id, communityId: need.community_id };
}
