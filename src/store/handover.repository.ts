/**
 * Vehicles changing hands at a shift change (issue #18, item 4, migration 0033): a round's trips as
 * crews (vehicle, driver, times), the vehicle's state before a trip (from the stops, bags, custody
 * records and live reports stored so far), the stored handovers, and a driver's shifts of the day.
 */
import { sql } from 'kysely';
import type { Db } from './db';
import { vehicleLabel } from '../domain/fleet';
import type { DisinfectionState, VehicleState } from '../domain/handover';
import { ON_ROAD_ROUND_STATUSES } from '../domain/round';
import { ROUND_SHIFT_START_MIN } from '../domain/gate-hours';
import { lastVanReport } from './household-deliveries.repository';
import { rosterRows } from './roster.repository';

export interface CrewTripRow {
  tripId: string; tripNo: number; vehicleId: string; vehicleName: string; driverId: string | null; driverName: string | null;
  departS: number; durationS: number; departedAt: Date | null; open: boolean;
}

/** The round's trips with their vehicles (by name and plate) and drivers (by name); `open`: a stop still to serve. */
export async function crewTrips(db: Db, roundId: string): Promise<CrewTripRow[]> {
  const rows = await sql<{ id: string; trip_no: number; vehicle_id: string; vname: string; plate: string | null; driver_id: string | null; dname: string | null; depart_s: number; duration_s: number; departed_at: Date | null; open: boolean }>`
    select t.id, t.trip_no, t.vehicle_id, v.name as vname, v.plate, t.driver_id, d.name as dname, t.depart_s, t.duration_s, t.departed_at,
      exists (select 1 from round_stops s where s.round_id = t.round_id and s.trip_id = t.id and s.status in ('pending', 'loaded')) as open
    from round_trips t join vehicles v on v.id = t.vehicle_id left join drivers d on d.id = t.driver_id
    where t.round_id = ${roundId} order by t.vehicle_id, t.depart_s, t.id`.execute(db);
  return rows.rows.map((r) => ({
    tripId: r.id, tripNo: Number(r.trip_no), vehicleId: r.vehicle_id, vehicleName: vehicleLabel(r.vname, r.plate), driverId: r.driver_id, driverName: r.dname,
    departS: Number(r.depart_s), durationS: Number(r.duration_s), departedAt: r.departed_at, open: r.open,
  }));
}

export async function roundStatusOf(db: Db, roundId: string): Promise<string | undefined> {
  return (await db.selectFrom('rounds').select('status').where('id', '=', roundId).executeTakeFirst())?.status;
}

/** The vehicle as it stands before the round's trip leaving at `beforeS`: its earlier trips of the round, their stops, bags and custody records. */
export async function vehicleStateBefore(db: Db, roundId: string, vehicleId: string, beforeS: number): Promise<VehicleState> {
  const trips = await sql<{ id: string; trip_no: number; departed: boolean; waste: boolean; open: boolean; unloaded: boolean; disinfected: boolean }>`
    select t.id, t.trip_no, t.departed_at is not null as departed, t.unload_site_id is not null as waste,
      exists (select 1 from round_stops s where s.round_id = t.round_id and s.trip_id = t.id and s.status in ('pending', 'loaded')) as open,
      exists (select 1 from waste_unloads u where u.round_id = t.round_id and u.trip_id = t.id) as unloaded,
      exists (select 1 from vehicle_disinfections x where x.round_id = t.round_id and x.trip_id = t.id) as disinfected
    from round_trips t where t.round_id = ${roundId} and t.vehicle_id = ${vehicleId} and t.depart_s < ${beforeS}
    order by t.depart_s, t.id`.execute(db);
  const ids = trips.rows.map((t) => t.id);
  if (ids.length === 0) return { tripsBefore: 0, tripsDone: 0, bagsOnBoard: [], disinfection: 'not_needed', lastStop: null, lastPosition: null, openCustody: [] };
  // Delivery bags on board: their stop is loaded, or its trip left and the stop is not closed. Waste: picked up, not unloaded.
  const bags = await sql<{ kind: string; bags: string }>`
    select kind, sum(n)::text as bags from (
      select n.kind, count(*) as n from round_bags b join round_stops s on s.id = b.stop_id join needs n on n.id = b.need_id
        join round_trips t on t.round_id = s.round_id and t.id = s.trip_id
      where s.round_id = ${roundId} and s.trip_id in (${sql.join(ids)}) and (s.status = 'loaded' or (s.status = 'pending' and t.departed_at is not null))
      group by n.kind
      union all
      select 'waste_pickup', coalesce(sum(p.bags), 0) from waste_pickups p join round_stops s on s.round_id = p.round_id and s.id = p.stop_id
      where p.round_id = ${roundId} and s.trip_id in (${sql.join(ids)})
        and not exists (select 1 from waste_unloads u where u.round_id = s.round_id and u.trip_id = s.trip_id)
    ) k where n > 0 group by kind order by kind`.execute(db);
  const last = await sql<{ gate: string; status: 'delivered' | 'failed' }>`
    select a.name as gate, s.status from round_stops s join round_trips t on t.round_id = s.round_id and t.id = s.trip_id join areas a on a.id = s.corridor_id
    where s.round_id = ${roundId} and s.trip_id in (${sql.join(ids)}) and s.status in ('delivered', 'failed')
    order by t.depart_s desc, s.seq desc limit 1`.execute(db);
  let lastPosition: VehicleState['lastPosition'] = null;
  for (const t of [...trips.rows].reverse()) {
    const report = t.departed || !t.open ? await lastVanReport(db, roundId, t.id) : null;
    if (report && report.kind !== 'left_stop') {
      lastPosition = { lat: report.lat, lon: report.lon, at: report.at.toISOString() };
      break;
    }
  }
  const waste = trips.rows.filter((t) => t.waste);
  const disinfection: DisinfectionState = waste.length === 0 ? 'not_needed' : waste.at(-1)!.disinfected ? 'done' : 'missing';
  return {
    tripsBefore: trips.rows.length,
    tripsDone: trips.rows.filter((t) => !t.open).length,
    bagsOnBoard: bags.rows.map((b) => ({ kind: b.kind, bags: Number(b.bags) })),
    disinfection,
    lastStop: last.rows[0] ?? null,
    lastPosition,
    openCustody: waste.filter((t) => !t.unloaded || !t.disinfected).map((t) => ({
      tripNo: Number(t.trip_no), missing: [...(t.unloaded ? [] : ['unload' as const]), ...(t.disinfected ? [] : ['disinfection' as const])],
    })),
  };
}

export interface StoredHandover {
  roundId: string; tripId: string; vehicleId: string; fromDriverId: string; toDriverId: string; state: VehicleState; note: string | null;
  handedAt: Date | null; acceptedAt: Date | null;
}
type Row = { round_id: string; trip_id: string; vehicle_id: string; from_driver_id: string; to_driver_id: string; state: unknown; note: string | null; handed_at: Date | null; accepted_at: Date | null };
const stored = (r: Row): StoredHandover => ({
  roundId: r.round_id, tripId: r.trip_id, vehicleId: r.vehicle_id, fromDriverId: r.from_driver_id, toDriverId: r.to_driver_id,
  state: r.state as VehicleState, note: r.note, handedAt: r.handed_at, acceptedAt: r.accepted_at,
});
const COLUMNS = ['round_id', 'trip_id', 'vehicle_id', 'from_driver_id', 'to_driver_id', 'state', 'note', 'handed_at', 'accepted_at'] as const;

export async function roundHandovers(db: Db, roundId: string): Promise<StoredHandover[]> {
  return (await db.selectFrom('vehicle_handovers').select(COLUMNS).where('round_id', '=', roundId).execute()).map(stored);
}

export async function findHandover(db: Db, roundId: string, tripId: string): Promise<StoredHandover | undefined> {
  const r = await db.selectFrom('vehicle_handovers').select(COLUMNS).where('round_id', '=', roundId).where('trip_id', '=', tripId).executeTakeFirst();
  return r && stored(r);
}

export interface HandoverKey { roundId: string; tripId: string; vehicleId: string; fromDriverId: string; toDriverId: string }

/**
 * Stores one side of the handover unless it is stored already (a replayed report, or two at once):
 * whether this one was. The first side stored writes the vehicle's state; the outgoing driver's
 * confirmation writes it again (the state the vehicle was handed over in) with the note.
 */
export async function recordHandoverSide(
  db: Db, key: HandoverKey, side: 'handed' | 'accepted', at: Date, by: string, state: VehicleState, note: string | null,
): Promise<boolean> {
  const json = JSON.stringify(state);
  const res = side === 'handed'
    ? await sql`insert into vehicle_handovers (round_id, trip_id, vehicle_id, from_driver_id, to_driver_id, state, note, handed_at, handed_by)
        values (${key.roundId}, ${key.tripId}, ${key.vehicleId}, ${key.fromDriverId}, ${key.toDriverId}, ${json}::jsonb, ${note}, ${at}, ${by})
        on conflict (round_id, trip_id) do update set state = excluded.state, note = excluded.note, handed_at = excluded.handed_at, handed_by = excluded.handed_by
        where vehicle_handovers.handed_at is null`.execute(db)
    : await sql`insert into vehicle_handovers (round_id, trip_id, vehicle_id, from_driver_id, to_driver_id, state, accepted_at, accepted_by)
        values (${key.roundId}, ${key.tripId}, ${key.vehicleId}, ${key.fromDriverId}, ${key.toDriverId}, ${json}::jsonb, ${at}, ${by})
        on conflict (round_id, trip_id) do update set accepted_at = excluded.accepted_at, accepted_by = excluded.accepted_by
        where vehicle_handovers.accepted_at is null`.execute(db);
  return Number(res.numAffectedRows ?? 0) === 1;
}

/** Rounds on the road where the driver drives a trip. */
export async function driverRoundsOnRoad(db: Db, driverId: string): Promise<string[]> {
  const rows = await sql<{ round_id: string }>`
    select distinct t.round_id from round_trips t join rounds r on r.id = t.round_id
    where t.driver_id = ${driverId} and r.status in (${sql.join(ON_ROAD_ROUND_STATUSES)}) order by t.round_id`.execute(db);
  return rows.rows.map((r) => r.round_id);
}

export interface DriverShiftLine { id: string; name: string; depotName: string; startsAt: Date; endsAt: Date; vehicle: string | null }

/** The driver's shifts of today in `timeZone` (and a shift of yesterday still running), standing roster included, by start. */
export async function driverShiftsToday(db: Db, driverId: string, timeZone: string): Promise<DriverShiftLine[]> {
  const rows = await sql<{ id: string; name: string; depot_name: string; starts_at: Date; ends_at: Date; vname: string | null; plate: string | null }>`
    select s.id, t.name, p.name as depot_name, s.starts_at, s.ends_at, v.name as vname, v.plate
    from ${rosterRows(sql`(now() at time zone ${timeZone})::date - 1`, sql`(now() at time zone ${timeZone})::date`)} s
      join shift_templates t on t.id = s.template_id join depots p on p.id = s.depot_id left join vehicles v on v.id = s.vehicle_id
    where s.driver_id = ${driverId}
      and (s.shift_date = (now() at time zone ${timeZone})::date or (s.shift_date = (now() at time zone ${timeZone})::date - 1 and s.ends_at > now()))
    order by s.starts_at`.execute(db);
  return rows.rows.map((r) => ({ id: r.id, name: r.name, depotName: r.depot_name, startsAt: r.starts_at, endsAt: r.ends_at, vehicle: r.vname === null ? null : vehicleLabel(r.vname, r.plate) }));
}

/** Drivers' names by id. */
export async function driverNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('drivers').select(['id', 'name']).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The instant the round's clock starts at: ROUND_SHIFT_START_MIN of the day it was created on, in `timeZone`. */
export async function roundOrigin(db: Db, roundId: string, timeZone: string): Promise<Date | undefined> {
  const r = await sql<{ origin: Date }>`
    select ((r.created_at at time zone ${timeZone})::date + make_interval(mins => ${ROUND_SHIFT_START_MIN})) at time zone ${timeZone} as origin
    from rounds r where r.id = ${roundId}`.execute(db);
  return r.rows[0]?.origin;
}
