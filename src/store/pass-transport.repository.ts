/**
 * Passenger transport (migration 0006): requests (one per leg) and the trips they ride on. A
 * trip belongs to a vehicle and its driver: a driver's batch is their planned and running trips.
 * Planning reads the live trips and writes the new plan inside one transaction holding an
 * advisory lock, so two approvals or emergencies never plan over each other.
 */
import { sql, type Insertable, type Selectable } from 'kysely';
import type { Db } from './db';
import { lockForTransaction } from './advisory-lock';
import { coalesced } from './coalesce';
import { rosterRows } from './roster.repository';
import type { StoredStop, TransportRequestsTable, TransportTripsTable } from './tables/passes';

export type { StoredStop };



export type TripRow = Selectable<TransportTripsTable>;
export type RequestRow = Selectable<TransportRequestsTable>;
export type NewRequest = Omit<Insertable<TransportRequestsTable>, 'id' | 'status' | 'unserved_reason' | 'trip_id' | 'created_at'>;

/** Transactions that took the lock outside any savepoint (`holdTransportPlanning`): they hold it until they end. */
const holding = new WeakSet<Db>();

/**
 * Serialises transport planning across processes until the transaction ends. In a transaction
 * that holds it already (a transport batch's) it asks nothing: under the district day's load each
 * statement of a batch waits about 180 ms for a busy event loop while the batch holds the lock
 * every other process waits for (issue #21).
 */
export async function lockTransportPlanning(trx: Db): Promise<void> {
  if (!holding.has(trx)) await lockForTransaction(trx, 'cordon.transport-planning');
}

/**
 * `lockTransportPlanning`, taken outside any savepoint: later calls in the transaction ask nothing.
 * (A lock first taken inside a savepoint is given back when the savepoint rolls back, so only this
 * one is remembered.)
 */
export async function holdTransportPlanning(trx: Db): Promise<void> {
  await lockForTransaction(trx, 'cordon.transport-planning');
  holding.add(trx);
}

/** Inserts the legs in one statement; a leg that exists already (a retried approval) is returned as it is. In the order given. */
export async function insertRequests(trx: Db, rows: readonly NewRequest[]): Promise<RequestRow[]> {
  if (rows.length === 0) return [];
  const inserted = await trx.insertInto('transport_requests').values(rows).onConflict((oc) => oc.doNothing()).returningAll().execute();
  const keyOf = (r: { pass_id?: string | null; leg: string; emergency_id?: string | null }) => (r.pass_id ? `${r.pass_id}:${r.leg}` : `e:${r.emergency_id ?? ''}`);
  const found = new Map(inserted.map((r) => [keyOf(r), r]));
  for (const r of rows) {
    if (found.has(keyOf(r))) continue;
    let q = trx.selectFrom('transport_requests').selectAll();
    q = r.pass_id ? q.where('pass_id', '=', r.pass_id).where('leg', '=', r.leg) : q.where('emergency_id', '=', r.emergency_id!);
    found.set(keyOf(r), await q.executeTakeFirstOrThrow());
  }
  return rows.map((r) => found.get(keyOf(r))!);
}

/** One leg (`insertRequests`); the calls made side by side on one transaction (a batch's emergencies) are one statement. */
export const insertRequest = coalesced(insertRequests);

export interface PassengerVehicle { id: string; driverId: string | null; depotLat: number; depotLon: number; seats: number; skills: string[] }

/**
 * Active vehicles with passenger seats (`capacity.seats` > 0) at depots without shift templates,
 * each paired with an active driver of its depot (by id order, so the pairing is stable); a vehicle
 * without a driver is left out. Depots with templates staff theirs from the roster (rosteredPassengerShifts).
 */
export async function passengerVehicles(db: Db): Promise<PassengerVehicle[]> {
  const res = await sql<{ id: string; driver_id: string | null; lat: number; lon: number; seats: number; skills: string[] }>`
    with v as (
      select v.id, v.depot_id, v.skills, (v.capacity->>'seats')::int as seats,
             row_number() over (partition by v.depot_id order by v.id) as k
      from vehicles v where v.active and coalesce((v.capacity->>'seats')::int, 0) > 0
        and not exists (select 1 from shift_templates t where t.depot_id = v.depot_id and t.active)
    ), d as (
      select id, depot_id, row_number() over (partition by depot_id order by id) as k from drivers where active
    )
    select v.id, d.id as driver_id, dp.lat, dp.lon, v.seats, v.skills
    from v join depots dp on dp.id = v.depot_id join d on d.depot_id = v.depot_id and d.k = v.k
    order by v.id`.execute(db);
  return res.rows.map((r) => ({ id: r.id, driverId: r.driver_id, depotLat: Number(r.lat), depotLon: Number(r.lon), seats: Number(r.seats), skills: r.skills }));
}

/** A seat vehicle of a depot with shift templates, and the rostered shifts (standing ones included) not over by `from`, starting before `to`. */
export async function rosteredPassengerShifts(db: Db, from: Date, to: Date): Promise<{
  vehicles: (PassengerVehicle & { depotId: string; licence: string | null })[];
  shifts: { driverId: string; depotId: string; licences: string[]; vehicleId: string | null; startsAt: Date; endsAt: Date }[];
}> {
  const vehicles = await sql<{ id: string; depot_id: string; licence_class: string | null; lat: number; lon: number; seats: number; skills: string[] }>`
    select v.id, v.depot_id, v.licence_class, dp.lat, dp.lon, (v.capacity->>'seats')::int as seats, v.skills
    from vehicles v join depots dp on dp.id = v.depot_id
    where v.active and coalesce((v.capacity->>'seats')::int, 0) > 0
      and exists (select 1 from shift_templates t where t.depot_id = v.depot_id and t.active)
    order by v.id`.execute(db);
  const shifts = await sql<{ driver_id: string; depot_id: string; licence_classes: string[]; vehicle_id: string | null; starts_at: Date; ends_at: Date }>`
    select s.driver_id, s.depot_id, d.licence_classes, s.vehicle_id, s.starts_at, s.ends_at
    from ${rosterRows(sql`(${from}::timestamptz)::date - 1`, sql`(${to}::timestamptz)::date + 1`)} s join drivers d on d.id = s.driver_id
    where d.active and s.ends_at > ${from} and s.starts_at < ${to}
    order by s.starts_at, s.driver_id`.execute(db);
  return {
    vehicles: vehicles.rows.map((r) => ({ id: r.id, depotId: r.depot_id, licence: r.licence_class, driverId: null, depotLat: Number(r.lat), depotLon: Number(r.lon), seats: Number(r.seats), skills: r.skills })),
    shifts: shifts.rows.map((r) => ({ driverId: r.driver_id, depotId: r.depot_id, licences: r.licence_classes, vehicleId: r.vehicle_id, startsAt: r.starts_at, endsAt: r.ends_at })),
  };
}

/**
 * Trips still to drive (planned or running) that overlap [from, to], with the requests on them:
 * a plan for one appointment need not load two weeks of trips.
 */
export async function liveTrips(db: Db, from: Date, to: Date): Promise<{ trips: TripRow[]; requests: RequestRow[] }> {
  const t = db;
  const trips = await t.selectFrom('transport_trips').selectAll().where('status', 'in', ['planned', 'in_progress'])
    .where('ends_at', '>=', from).where('starts_at', '<=', to).orderBy('id').execute();
  const ids = trips.map((x) => x.id);
  const requests = ids.length ? await t.selectFrom('transport_requests').selectAll().where('trip_id', 'in', ids).execute() : [];
  return { trips, requests };
}

export interface TripWrite {
  id: string;
  vehicleId: string;
  driverId: string | null;
  startsAt: Date;
  endsAt: Date;
  startLat: number;
  startLon: number;
  stops: StoredStop[];
  distanceM: number;
  emergency: boolean;
}

/**
 * Stores a placement's trips and where its requests went, in four statements whatever its size: the
 * new trips (ids chosen here, so each request can name its trip), the rewritten ones, the requests
 * assigned and those left unserved. A placement used to write each trip and each request with a
 * statement of its own; under the district day's load every statement waited its turn on a busy
 * event loop, with the transport-planning lock held.
 */
export async function savePlacement(trx: Db, p: {
  created: TripWrite[];
  changed: TripWrite[];
  assigned: { requestId: string; tripId: string }[];
  unserved: { requestId: string; reason: string }[];
}, at: Date): Promise<void> {
  const values = (trip: TripWrite) => ({
    vehicle_id: trip.vehicleId, driver_id: trip.driverId, starts_at: trip.startsAt, ends_at: trip.endsAt, start_lat: trip.startLat,
    start_lon: trip.startLon, stops: JSON.stringify(trip.stops), distance_m: trip.distanceM, updated_at: at,
  });
  if (p.created.length) await trx.insertInto('transport_trips').values(p.created.map((t) => ({ id: t.id, ...values(t), emergency: t.emergency }))).execute();
  if (p.changed.length) {
    const rows = JSON.stringify(p.changed.map((t) => ({ id: t.id, ...values(t), stops: t.stops, emergency: t.emergency })));
    await sql`update transport_trips t set vehicle_id = v.vehicle_id, driver_id = v.driver_id, starts_at = v.starts_at, ends_at = v.ends_at,
        start_lat = v.start_lat, start_lon = v.start_lon, stops = v.stops, distance_m = v.distance_m, updated_at = v.updated_at,
        emergency = t.emergency or v.emergency
      from jsonb_to_recordset(${rows}::jsonb) as v(id uuid, vehicle_id uuid, driver_id uuid, starts_at timestamptz, ends_at timestamptz,
        start_lat float8, start_lon float8, stops jsonb, distance_m float8, updated_at timestamptz, emergency boolean)
      where t.id = v.id`.execute(trx);
  }
  if (p.assigned.length) {
    await sql`update transport_requests r set status = 'assigned', trip_id = v.trip_id, unserved_reason = null
      from unnest(${p.assigned.map((a) => a.requestId)}::uuid[], ${p.assigned.map((a) => a.tripId)}::uuid[]) as v(id, trip_id)
      where r.id = v.id`.execute(trx);
  }
  if (p.unserved.length) {
    await sql`update transport_requests r set status = 'unserved', unserved_reason = v.reason, trip_id = null
      from unnest(${p.unserved.map((u) => u.requestId)}::uuid[], ${p.unserved.map((u) => u.reason)}::text[]) as v(id, reason)
      where r.id = v.id`.execute(trx);
  }
}

export async function requestsOf(db: Db, by: { passId: string } | { emergencyId: string }): Promise<RequestRow[]> {
  const q = db.selectFrom('transport_requests').selectAll();
  return ('passId' in by ? q.where('pass_id', '=', by.passId) : q.where('emergency_id', '=', by.emergencyId)).orderBy('leg').execute();
}

/** The legs of each pass, in one read. */
async function legsOfPasses(db: Db, passIds: readonly string[]): Promise<RequestRow[][]> {
  const rows = await db.selectFrom('transport_requests').selectAll().where('pass_id', 'in', passIds).orderBy('leg').execute();
  return passIds.map((id) => rows.filter((r) => r.pass_id === id));
}

/**
 * `requestsOf` a pass; the reads made side by side on one transaction (the passes a transport batch
 * closes) are one statement, so that their legs' cancels, which follow, are one too.
 */
export const legsOfPass = coalesced(legsOfPasses);

/** A driver's batch: their planned and running trips, soonest first. */
export async function driverTrips(db: Db, driverId: string): Promise<{ trips: TripRow[]; requests: RequestRow[] }> {
  const t = db;
  const trips = await t.selectFrom('transport_trips').selectAll().where('driver_id', '=', driverId)
    .where('status', 'in', ['planned', 'in_progress']).orderBy('starts_at').orderBy('id').execute();
  const ids = trips.map((x) => x.id);
  const requests = ids.length ? await t.selectFrom('transport_requests').selectAll().where('trip_id', 'in', ids).execute() : [];
  return { trips, requests };
}

/** The drivers of a pass's trips (outbound and return), the ones who may mark them. */
export async function driversOfPass(db: Db, passId: string): Promise<string[]> {
  const rows = await db.selectFrom('transport_requests as r').innerJoin('transport_trips as t', 't.id', 'r.trip_id')
    .select('t.driver_id').distinct().where('r.pass_id', '=', passId).where('t.driver_id', 'is not', null).execute();
  return rows.map((r) => r.driver_id!).sort();
}

export async function tripDriver(db: Db, tripId: string): Promise<string | null> {
  const row = await db.selectFrom('transport_trips').select('driver_id').where('id', '=', tripId).executeTakeFirst();
  return row?.driver_id ?? null;
}

/**
 * Cancels those of the requests still open (pending, assigned, unserved) and takes them off their
 * trips, in one statement (atomic by itself, so side by side with other writes of its transaction it
 * reads each trip as they left it): the stops of the cancelled legs go, as many stops stay behind the
 * vehicle as there were (at most what is left), and a trip left with no stops is cancelled. The
 * caller holds the planning lock.
 */
async function cancelLegsNow(trx: Db, calls: readonly { requestIds: readonly string[]; at: Date }[]): Promise<void[]> {
  const ids = calls.flatMap((c) => c.requestIds);
  const at = new Date(Math.max(...calls.map((c) => c.at.getTime())));
  await sql`
    with gone as (
      update transport_requests set status = 'cancelled'
      where id = any(${ids}::uuid[]) and status in ('pending', 'assigned', 'unserved') returning id, trip_id
    ), legs as (
      select trip_id, array_agg(id::text) as ids from gone where trip_id is not null group by trip_id
    ), kept as (
      select t.id, coalesce((select jsonb_agg(e.stop order by e.ord) from jsonb_array_elements(t.stops) with ordinality as e(stop, ord)
        where not (e.stop->>'requestId' = any(legs.ids))), '[]'::jsonb) as stops
      from transport_trips t join legs on legs.trip_id = t.id
    )
    update transport_trips t set stops = kept.stops, locked_stops = least(t.locked_stops, jsonb_array_length(kept.stops)),
      status = case when jsonb_array_length(kept.stops) = 0 then 'cancelled' else t.status end, updated_at = ${at}
    from kept where t.id = kept.id`.execute(trx);
  return calls.map(() => undefined);
}

/**
 * `cancelLegsNow` for one caller's requests; the calls made side by side on one transaction (the
 * passes of a transport batch) are one statement. Trips are updated at the latest of their `at`s.
 */
export const cancelLegs = coalesced(cancelLegsNow);

/** Which legs `finishLegs` closes: a pass's outbound or return leg, or an emergency's. */
export type LegsOf = { passId: string; leg: 'outbound' | 'return' } | { emergencyId: string };

/**
 * Legs done: each assigned one of `of` is closed, and its trip moves on in the same statement: its
 * stops up to the leg's last are behind the vehicle, and the trip is done when no leg on it is still
 * assigned (else in progress). One statement, atomic by itself, where it was four and a read of the
 * legs: a transport batch holds the planning lock through each (issue #21). Several callers' legs
 * go in one statement (`finishLegs`); trips are updated at the latest of their `at`s. The caller
 * holds that lock.
 */
async function finishLegsNow(trx: Db, calls: readonly { of: LegsOf; at: Date }[]): Promise<void[]> {
  const passLegs = calls.flatMap(({ of }) => ('passId' in of ? [of] : []));
  const emergencies = calls.flatMap(({ of }) => ('emergencyId' in of ? [of.emergencyId] : []));
  const at = new Date(Math.max(...calls.map((c) => c.at.getTime())));
  const which = sql.join([
    ...(passLegs.length ? [sql`(r.pass_id, r.leg) in (select * from unnest(${passLegs.map((l) => l.passId)}::uuid[], ${passLegs.map((l) => l.leg)}::text[]))`] : []),
    ...(emergencies.length ? [sql`r.emergency_id = any(${emergencies}::uuid[])`] : []),
  ], sql` or `);
  await sql`
    with done as (
      update transport_requests r set status = 'done' where (${which}) and r.status = 'assigned' returning r.id, r.trip_id
    ), legs as (
      select trip_id, array_agg(id::text) as ids from done where trip_id is not null group by trip_id
    )
    update transport_trips t set
      locked_stops = greatest(t.locked_stops, coalesce((select max(e.ord) from jsonb_array_elements(t.stops) with ordinality as e(stop, ord)
        where e.stop->>'requestId' = any(legs.ids)), 0)),
      -- The CTE's update is not visible here: the legs it closed are still 'assigned' to this read.
      status = case when exists (select 1 from transport_requests o where o.trip_id = t.id and o.status = 'assigned' and o.id::text <> all(legs.ids))
        then 'in_progress' else 'done' end,
      updated_at = ${at}
    from legs where t.id = legs.trip_id`.execute(trx);
  return calls.map(() => undefined);
}

/** The legs `of` done at `at`; the calls made side by side on one transaction (a transport batch's) are one statement. */
export const finishLegs = coalesced(finishLegsNow);
