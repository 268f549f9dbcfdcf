/**
 * Deliveries under way, as drivers and gates see them, and what settling a round reads: the stops
 * of rounds on the road (dispatched or in progress) with their bags, a trip's driver, and which
 * stops are closed. Bags carry their id, household and need kind only: never a drug name or details.
 */
import { CompiledQuery, sql } from 'kysely';
import { vehicleLabel } from '../domain/fleet';
import { ON_ROAD_ROUND_STATUSES, type RoundStatus } from '../domain/round';
import type { Db } from './db';
import { prepared } from './prepared-statements';

export type StopStatus = 'pending' | 'loaded' | 'delivered' | 'failed';

/** One stop of a driver's trip, with its trip and round (several rows per trip). */
export interface DriverStopRow {
  roundId: string; tripId: string; tripNo: number; departS: number; roundStatus: string;
  /** When the driver reported leaving the depot on this trip (issue #19); null until then. */
  departedAt: string | null;
  /** The trip's vehicle ("Van 1 (沪A·12345)"), its plate and its depot, as the driver reads them. */
  vehicleName: string; vehiclePlate: string | null; depotName: string;
  stopId: string; seq: number; corridorId: string; gate: string; community: string | null;
  /** Usernames of the corridor's enabled coordinators, in name order. */
  coordinators: string[]; lat: number | null; lon: number | null; status: StopStatus; urgent: boolean;
  bags: { bagId: string; householdId: string | null; kind: string }[]; handoffCode: string | null;
  /** A waste trip's unload: the disposal site (name, place) and when unloading starts (s from the round's start); null for deliveries. */
  unload: { siteName: string; lat: number; lon: number; startS: number } | null;
  /** A waste trip's custody records (issue #18, item 2): this stop's pickup, the trip's weight at the site, its disinfection. */
  pickup: { bags: number; kg: number } | null;
  unloadedKg: number | null;
  disinfection: { agent: string; disinfectedAt: string } | null;
}

/** Rounds on the road, as the constant statements below spell them. */
const ON_ROAD = ON_ROAD_ROUND_STATUSES.map((s) => `'${s}'`).join(', ');

/** driverStopRows' statement: the same text on every call, kept prepared (prepared-statements.ts). */
const DRIVER_STOP_ROWS_SQL = prepared(`
    with trips as materialized (
      select t.round_id, t.id, t.trip_no, t.depart_s, t.departed_at, t.unload_site_id, t.unload_start_s, r.status as round_status, r.created_at as round_created_at,
        v.name as vehicle_name, v.plate, p.name as depot_name
      from round_trips t
      join rounds r on r.id = t.round_id
      join vehicles v on v.id = t.vehicle_id
      join depots p on p.id = t.depot_id
      -- A waste trip stays on the driver's page after its last stop closed (the round completed) until it is weighed at the site and disinfected.
      where t.driver_id = $1 and (r.status in (${ON_ROAD})
        or (r.status = 'completed' and t.unload_site_id is not null and (
          not exists (select from waste_unloads wu where wu.round_id = t.round_id and wu.trip_id = t.id)
          or not exists (select from vehicle_disinfections vd where vd.round_id = t.round_id and vd.trip_id = t.id))))
    ),
    custody as materialized (
      select t.round_id, t.id, ds.name as site_name, ds.lat as site_lat, ds.lon as site_lon, wu.kg as unloaded_kg, vd.agent, vd.disinfected_at
      from trips t
      left join disposal_sites ds on ds.id = t.unload_site_id
      left join waste_unloads wu on wu.round_id = t.round_id and wu.trip_id = t.id
      left join vehicle_disinfections vd on vd.round_id = t.round_id and vd.trip_id = t.id
    )
    select t.round_id, t.id as trip_id, t.trip_no, t.depart_s, t.departed_at, t.round_status, t.vehicle_name, t.plate, t.depot_name, s.id::text as stop_id, s.seq, s.corridor_id,
      a.name as gate, (select c.name from areas c where c.id = a.community_id) as community,
      (select array_agg(u.username order by u.username) from coordinator_assignments ca join users u on u.id = ca.user_id
         where ca.corridor_id = s.corridor_id and u.disabled_at is null) as coordinators,
      a.lat, a.lon, s.status, s.urgent, s.handoff_code,
      (select json_agg(json_build_object('bagId', b.bag_id, 'householdId', n.household_id, 'kind', n.kind) order by b.bag_id)
         from round_bags b join needs n on n.id = b.need_id where b.stop_id = s.id) as bags,
      w.site_name, w.site_lat, w.site_lon, t.unload_start_s,
      wp.bags as pickup_bags, wp.kg as pickup_kg, w.unloaded_kg, w.agent, w.disinfected_at
    from trips t
    join round_stops s on s.round_id = t.round_id and s.trip_id = t.id
    join areas a on a.id = s.corridor_id
    left join waste_pickups wp on wp.round_id = s.round_id and wp.stop_id = s.id
    left join custody w on w.round_id = t.round_id and w.id = t.id
    order by t.round_created_at, t.trip_no, s.seq`);

type DriverStopDbRow = {
  round_id: string; trip_id: string; trip_no: number; depart_s: number; departed_at: Date | null; round_status: string; vehicle_name: string; plate: string | null; depot_name: string; stop_id: string; seq: number; corridor_id: string;
  gate: string; community: string | null; coordinators: string[] | null; lat: number | null; lon: number | null; status: StopStatus; urgent: boolean; bags: DriverStopRow['bags'] | null; handoff_code: string | null;
  site_name: string | null; site_lat: number | null; site_lon: number | null; unload_start_s: number | null;
  pickup_bags: number | null; pickup_kg: number | null; unloaded_kg: number | null; agent: string | null; disinfected_at: Date | null;
};

/**
 * Every stop of the driver's trips on rounds on the road, by round creation, trip number and seq.
 * Read in three parts (the driver's trips, their waste custody, their stops), each planned on its
 * own: as one join of ten tables PostgreSQL spent longer choosing the join order than running it
 * (22 ms of planning a call against 6 ms of execution in the district day, 42 s of the database's
 * day; 6.2 ms against 1.3 ms on a quiet machine, issue #21). Still planned on every call, the three
 * parts took 10.6 ms of planning to 13.9 ms of running in a later day: the text is now constant and
 * kept prepared, so a connection plans it for its first calls only.
 */
export async function driverStopRows(db: Db, driverId: string): Promise<DriverStopRow[]> {
  const rows = await db.executeQuery<DriverStopDbRow>(CompiledQuery.raw(DRIVER_STOP_ROWS_SQL, [driverId]));
  return rows.rows.map((r) => ({
    roundId: r.round_id, tripId: r.trip_id, tripNo: Number(r.trip_no), departS: Number(r.depart_s), departedAt: r.departed_at && new Date(r.departed_at).toISOString(), roundStatus: r.round_status,
    vehicleName: vehicleLabel(r.vehicle_name, r.plate), vehiclePlate: r.plate, depotName: r.depot_name,
    stopId: r.stop_id, seq: Number(r.seq), corridorId: r.corridor_id, gate: r.gate, community: r.community, coordinators: r.coordinators ?? [],
    lat: r.lat === null ? null : Number(r.lat), lon: r.lon === null ? null : Number(r.lon), status: r.status, urgent: r.urgent, bags: r.bags ?? [], handoffCode: r.handoff_code,
    unload: r.site_name === null ? null : { siteName: r.site_name, lat: Number(r.site_lat), lon: Number(r.site_lon), startS: Number(r.unload_start_s ?? 0) },
    pickup: r.pickup_kg === null ? null : { bags: Number(r.pickup_bags), kg: Number(r.pickup_kg) },
    unloadedKg: r.unloaded_kg === null ? null : Number(r.unloaded_kg),
    disinfection: r.agent === null ? null : { agent: r.agent, disinfectedAt: new Date(r.disinfected_at!).toISOString() },
  }));
}

/** One bag arriving at a gate, with its stop, trip and household (several rows per stop). */
export interface GateBagRow {
  roundId: string; tripId: string; stopId: string; status: StopStatus; plannedStartS: number;
  householdId: string; address: string; bagId: string; kind: string;
}

/** Every bag on stops at the corridor of rounds on the road, by round creation, stop, address and bag id. */
export async function gateBagRows(db: Db, corridorId: string): Promise<GateBagRow[]> {
  const rows = await sql<{ round_id: string; trip_id: string; stop_id: string; status: StopStatus; planned_start_s: number; household_id: string; address: string; bag_id: string; kind: string }>`
    select s.round_id, s.trip_id, s.id::text as stop_id, s.status, s.planned_start_s, h.id as household_id, h.address, b.bag_id, n.kind
    from round_stops s
    join rounds r on r.id = s.round_id
    join round_bags b on b.stop_id = s.id
    join needs n on n.id = b.need_id
    join households h on h.id = n.household_id
    where s.corridor_id = ${corridorId} and r.status in (${sql.join(ON_ROAD_ROUND_STATUSES)})
    order by r.created_at, s.id, h.address, b.bag_id`.execute(db);
  return rows.rows.map((r) => ({
    roundId: r.round_id, tripId: r.trip_id, stopId: r.stop_id, status: r.status, plannedStartS: Number(r.planned_start_s),
    householdId: r.household_id, address: r.address, bagId: r.bag_id, kind: r.kind,
  }));
}

/** A trip's driver (null before dispatch) and the id of its stop at `seq` (null when none); undefined when no such trip. */
export async function tripDriverAndStop(db: Db, roundId: string, tripId: string, seq: number): Promise<{ driverId: string | null; stopId: string | null } | undefined> {
  const row = await sql<{ driver_id: string | null; stop_id: string | null }>`
    select t.driver_id, (select s.id::text from round_stops s where s.round_id = t.round_id and s.trip_id = t.id and s.seq = ${seq}) as stop_id
    from round_trips t where t.round_id = ${roundId} and t.id = ${tripId}`.execute(db);
  const trip = row.rows[0];
  return trip && { driverId: trip.driver_id, stopId: trip.stop_id };
}

/** needsOnClosedStops' statement: over the whole round, or only the stop `onStop` names. */
const NEEDS_ON_CLOSED_STOPS = (onStop: string) => `
  select distinct b.need_id::text as "needId", s.status as "stopStatus" from round_bags b
  join round_stops s on s.id = b.stop_id join needs n on n.id = b.need_id
  where b.round_id = $1 ${onStop} and s.status in ('delivered', 'failed') and n.status = 'out_for_delivery'`;
/** A stop's own settle, on every stop report and handover: the same text each time, kept prepared (prepared-statements.ts). */
const NEEDS_ON_STOP_SQL = prepared(NEEDS_ON_CLOSED_STOPS('and b.stop_id = $2::bigint'));
const NEEDS_ON_ROUND_SQL = NEEDS_ON_CLOSED_STOPS('');

/**
 * The needs still out for delivery on the round's closed stops (delivered or failed), each with its
 * stop's status; only on `stopId` when given (a handover settles its own stop: a round's closed
 * stops hold tens of thousands of needs by the end of a district's day, issue #21).
 */
export async function needsOnClosedStops(trx: Db, roundId: string, stopId?: string): Promise<{ needId: string; stopStatus: string }[]> {
  const query = stopId === undefined ? CompiledQuery.raw(NEEDS_ON_ROUND_SQL, [roundId]) : CompiledQuery.raw(NEEDS_ON_STOP_SQL, [roundId, stopId]);
  return (await trx.executeQuery<{ needId: string; stopStatus: string }>(query)).rows;
}

/** A round's stops open (pending, loaded) and closed (delivered, failed), counted over `round_stops` rows. */
const STOP_COUNTS = sql`count(*) filter (where status in ('pending', 'loaded')) as open, count(*) filter (where status in ('delivered', 'failed')) as closed`;

/** How many of the round's stops are open (pending, loaded) and closed (delivered, failed). */
export async function stopCounts(trx: Db, roundId: string): Promise<{ open: number; closed: number }> {
  const counts = await sql<{ open: string; closed: string }>`select ${STOP_COUNTS} from round_stops where round_id = ${roundId}`.execute(trx);
  return { open: Number(counts.rows[0]?.open ?? 0), closed: Number(counts.rows[0]?.closed ?? 0) };
}

/** roundOpenState's statement: asked on every stop report and handover, kept prepared. */
const ROUND_OPEN_STATE_SQL = prepared(`
  select r.status, exists (select 1 from round_stops s where s.round_id = r.id and s.status in ('pending', 'loaded')) as "anyOpen"
  from rounds r where r.id = $1`);

/**
 * The round's status and whether any of its stops is open (pending, loaded), in one read that locks
 * nothing: one probe of the open stops' index (migration 0044), where counting every stop of the
 * round was 242 buffers a call in the district day. Undefined when there is no such round.
 */
export async function roundOpenState(db: Db, roundId: string): Promise<{ status: RoundStatus; anyOpen: boolean } | undefined> {
  return (await db.executeQuery<{ status: RoundStatus; anyOpen: boolean }>(CompiledQuery.raw(ROUND_OPEN_STATE_SQL, [roundId]))).rows[0];
}
