/**
 * What live tracking reads and writes of a delivery trip (a driver's batch): its stops in route
 * order with where they are, who they serve and how many bags; and a stop's outcome.
 */
import { CompiledQuery, sql } from 'kysely';
import type { Db } from './db';
import { prepared } from './prepared-statements';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TripStopRow {
  stopId: string;
  corridorId: string;
  householdIds: string[];
  lat: number;
  lon: number;
  plannedStartS: number;
  status: 'pending' | 'loaded' | 'delivered' | 'failed';
  bagCount: number;
}

/** tripStops' statement: the same text on every call, kept prepared (prepared-statements.ts). */
const TRIP_STOPS_SQL = prepared(`
    with stops as (
      select s.id, s.seq, s.corridor_id, s.planned_start_s, s.status, a.lat, a.lon, count(b.bag_id) as bag_count,
        array_agg(n.household_id) filter (where n.household_id is not null) as households
      from round_stops s
      join areas a on a.id = s.corridor_id
      left join round_bags b on b.stop_id = s.id
      left join needs n on n.id = b.need_id
      where s.round_id = $1 and s.trip_id = $2
      group by s.id, a.lat, a.lon
    )
    select id::text as id, corridor_id, planned_start_s, status,
      coalesce(lat, (select avg(h.lat) from unnest(households) as u(id) join households h on h.id = u.id)) as lat,
      coalesce(lon, (select avg(h.lon) from unnest(households) as u(id) join households h on h.id = u.id)) as lon,
      bag_count, (select array_agg(distinct u.id::text) from unnest(households) as u(id)) as household_ids
    from stops
    order by seq`);

/**
 * Stops of one trip in route order. A stop's position is its corridor's, or else the mean of the
 * households it serves (corridors imported without coordinates): their rows are read only then.
 * Every stop report, handover and ETA reads its trip's stops (thousands a minute in a district's
 * driving, issue #21); a household row for every bag of the trip was a third of the read.
 */
export async function tripStops(db: Db, roundId: string, tripId: string): Promise<TripStopRow[]> {
  if (!UUID.test(roundId)) return [];
  const result = await db.executeQuery<{
    id: string;
    corridor_id: string;
    planned_start_s: number;
    status: TripStopRow['status'];
    lat: number | null;
    lon: number | null;
    bag_count: string;
    household_ids: string[] | null;
  }>(CompiledQuery.raw(TRIP_STOPS_SQL, [roundId, tripId]));
  return result.rows.map((r) => ({
    stopId: r.id,
    corridorId: r.corridor_id,
    householdIds: r.household_ids ?? [],
    lat: Number(r.lat ?? 0),
    lon: Number(r.lon ?? 0),
    plannedStartS: Number(r.planned_start_s),
    status: r.status,
    bagCount: Number(r.bag_count),
  }));
}

/** Closes an open stop as delivered or failed; false when it was already closed (a retried report). */
export async function closeStop(db: Db, roundId: string, tripId: string, stopId: string, status: 'delivered' | 'failed'): Promise<boolean> {
  if (!UUID.test(roundId) || !/^\d{1,18}$/.test(stopId)) return false;
  const result = await sql`
    update round_stops set status = ${status}
    where id = ${stopId}::bigint and round_id = ${roundId} and trip_id = ${tripId} and status in ('pending', 'loaded')`.execute(db);
  return Number(result.numAffectedRows ?? 0) > 0;
}

