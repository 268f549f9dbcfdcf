/**
 * The fleet (issue #15, item 3): depots, vehicles and drivers read, written and retired, found by
 * the keys imports match on (a vehicle's plate, a depot's name, a driver's name and phone), and
 * what still holds a record before it is retired.
 */
import { sql, type Selectable } from 'kysely';
import { hhmm, parseHhmm } from '../domain/gate-hours';
import type { AvailabilityWindow, Depot, Driver, FleetKind, Vehicle } from '../domain/fleet';
import { LIVE_PLAN_ROUND_STATUSES } from '../domain/round';
import type { Db } from './db';
import { lockForTransaction } from './advisory-lock';
import type { DepotsTable, VehiclesTable } from './schema';

const minutes = (t: string | null): number | null => (t === null ? null : parseHhmm(t) ?? null);

function toDepot(r: Selectable<DepotsTable>): Depot {
  return {
    id: r.id, name: r.name, lat: Number(r.lat), lon: Number(r.lon), active: r.active, updatedAt: r.updated_at,
    opensAt: r.opening_from_min === null ? null : hhmm(r.opening_from_min), closesAt: r.opening_until_min === null ? null : hhmm(r.opening_until_min),
  };
}

function toVehicle(r: Selectable<VehiclesTable>): Vehicle {
  return {
    id: r.id, plate: r.plate, name: r.name, depotId: r.depot_id, capacity: r.capacity, skills: r.skills, maxTrips: r.max_trips,
    reloadMinutes: r.reload_minutes, availability: r.availability, licenceClass: r.licence_class, active: r.active, updatedAt: r.updated_at,
  };
}

export interface DepotFields { name: string; lat: number; lon: number; opensAt: string | null; closesAt: string | null }
export interface VehicleFields {
  plate: string; name: string; depotId: string; capacity: Record<string, number>; skills: string[]; maxTrips: number; reloadMinutes: number; availability: AvailabilityWindow[];
  licenceClass: string | null;
}
export interface DriverFields { name: string; phone: string; depotId: string; licenceClasses: string[]; skills: string[] }

const depotRow = (f: DepotFields) => ({ name: f.name, lat: f.lat, lon: f.lon, opening_from_min: minutes(f.opensAt), opening_until_min: minutes(f.closesAt) });
const vehicleRow = (f: VehicleFields) => ({
  plate: f.plate, name: f.name, depot_id: f.depotId, capacity: JSON.stringify(f.capacity), skills: f.skills, max_trips: f.maxTrips, reload_minutes: f.reloadMinutes,
  availability: JSON.stringify(f.availability), licence_class: f.licenceClass,
});
const driverRow = (f: DriverFields) => ({ name: f.name, phone: f.phone, depot_id: f.depotId, licence_classes: f.licenceClasses, skills: f.skills });

export interface FleetListQuery { includeRetired: boolean; limit: number; offset: number }

// ---- depots

export async function listDepots(db: Db, q: FleetListQuery): Promise<Depot[]> {
  let s = db.selectFrom('depots').selectAll().orderBy('name').orderBy('id').limit(q.limit).offset(q.offset);
  if (!q.includeRetired) s = s.where('active', '=', true);
  return (await s.execute()).map(toDepot);
}

export async function findDepot(db: Db, id: string, lock = false): Promise<Depot | undefined> {
  let s = db.selectFrom('depots').selectAll().where('id', '=', id);
  if (lock) s = s.forUpdate();
  const r = await s.executeTakeFirst();
  return r && toDepot(r);
}

/** Active depots whose name has this key (more than one: the name is ambiguous). */
export async function activeDepotsNamed(db: Db, key: string): Promise<Depot[]> {
  return (await db.selectFrom('depots').selectAll().where('active', '=', true).where('name_key', '=', key).orderBy('id').execute()).map(toDepot);
}

export async function insertDepot(db: Db, f: DepotFields): Promise<Depot> {
  return toDepot(await db.insertInto('depots').values(depotRow(f)).returningAll().executeTakeFirstOrThrow());
}

export async function updateDepot(db: Db, id: string, f: DepotFields): Promise<Depot> {
  return toDepot(await db.updateTable('depots').set({ ...depotRow(f), updated_at: sql<Date>`now()` }).where('id', '=', id).returningAll().executeTakeFirstOrThrow());
}

// ---- vehicles

export async function listVehicles(db: Db, q: FleetListQuery & { depotId?: string | undefined }): Promise<Vehicle[]> {
  let s = db.selectFrom('vehicles').selectAll().orderBy('name').orderBy('id').limit(q.limit).offset(q.offset);
  if (!q.includeRetired) s = s.where('active', '=', true);
  if (q.depotId) s = s.where('depot_id', '=', q.depotId);
  return (await s.execute()).map(toVehicle);
}

export async function findVehicle(db: Db, id: string, lock = false): Promise<Vehicle | undefined> {
  let s = db.selectFrom('vehicles').selectAll().where('id', '=', id);
  if (lock) s = s.forUpdate();
  const r = await s.executeTakeFirst();
  return r && toVehicle(r);
}

/** The active vehicle with this plate key, if any (one at most: a unique index). */
export async function activeVehicleWithPlate(db: Db, key: string): Promise<Vehicle | undefined> {
  const r = await db.selectFrom('vehicles').selectAll().where('active', '=', true).where('plate_key', '=', key).executeTakeFirst();
  return r && toVehicle(r);
}

export async function insertVehicle(db: Db, f: VehicleFields): Promise<Vehicle> {
  return toVehicle(await db.insertInto('vehicles').values(vehicleRow(f)).returningAll().executeTakeFirstOrThrow());
}

export async function updateVehicle(db: Db, id: string, f: VehicleFields): Promise<Vehicle> {
  return toVehicle(await db.updateTable('vehicles').set({ ...vehicleRow(f), updated_at: sql<Date>`now()` }).where('id', '=', id).returningAll().executeTakeFirstOrThrow());
}

// ---- drivers

type DriverRow = { id: string; name: string; phone: string | null; depot_id: string; licence_classes: string[]; skills: string[]; active: boolean; updated_at: Date; account: string | null };

const toDriver = (r: DriverRow): Driver => ({
  id: r.id, name: r.name, phone: r.phone, depotId: r.depot_id, licenceClasses: r.licence_classes, skills: r.skills, account: r.account, active: r.active, updatedAt: r.updated_at,
});

function driverSelect(db: Db) {
  return db.selectFrom('drivers as d').leftJoin('users as u', (j) => j.on(sql`u.id::text`, '=', sql.ref('d.user_id')))
    .select(['d.id', 'd.name', 'd.phone', 'd.depot_id', 'd.licence_classes', 'd.skills', 'd.active', 'd.updated_at', 'u.username as account']);
}

export async function listDrivers(db: Db, q: FleetListQuery & { depotId?: string | undefined }): Promise<Driver[]> {
  let s = driverSelect(db).orderBy('d.name').orderBy('d.id').limit(q.limit).offset(q.offset);
  if (!q.includeRetired) s = s.where('d.active', '=', true);
  if (q.depotId) s = s.where('d.depot_id', '=', q.depotId);
  return (await s.execute()).map(toDriver);
}

export async function findDriver(db: Db, id: string, lock = false): Promise<Driver | undefined> {
  if (lock) await db.selectFrom('drivers').select('id').where('id', '=', id).forUpdate().execute();
  const r = await driverSelect(db).where('d.id', '=', id).executeTakeFirst();
  return r && toDriver(r);
}

/** Active drivers with this name and phone key. */
export async function activeDriversNamed(db: Db, name: string, phone: string): Promise<Driver[]> {
  return (await driverSelect(db).where('d.active', '=', true).where('d.name_key', '=', name).where('d.phone_key', '=', phone).orderBy('d.id').execute()).map(toDriver);
}

export async function insertDriver(db: Db, f: DriverFields): Promise<Driver> {
  const { id } = await db.insertInto('drivers').values(driverRow(f)).returning('id').executeTakeFirstOrThrow();
  return (await findDriver(db, id))!;
}

export async function updateDriver(db: Db, id: string, f: DriverFields): Promise<Driver> {
  await db.updateTable('drivers').set({ ...driverRow(f), updated_at: sql<Date>`now()` }).where('id', '=', id).execute();
  return (await findDriver(db, id))!;
}

// ---- retiring

const TABLE: Record<FleetKind, 'depots' | 'vehicles' | 'drivers'> = { depot: 'depots', vehicle: 'vehicles', driver: 'drivers' };

export async function retire(db: Db, kind: FleetKind, id: string): Promise<void> {
  await db.updateTable(TABLE[kind]).set({ active: false, updated_at: sql<Date>`now()` }).where('id', '=', id).execute();
}

/**
 * What still holds a record, so it is not retired from under it: a depot's active vehicles and
 * drivers; a vehicle's or driver's trips in a round being planned, proposed or on the road (and a
 * vehicle promised to a round being planned).
 */
export async function holdersOf(db: Db, kind: FleetKind, id: string): Promise<{ vehicles: number; drivers: number; liveRounds: number }> {
  const live = sql.join(LIVE_PLAN_ROUND_STATUSES);
  const res = await sql<{ vehicles: string; drivers: string; live_rounds: string }>`
    select
      (select count(*) from vehicles where ${kind === 'depot'} and depot_id = ${id} and active) as vehicles,
      (select count(*) from drivers where ${kind === 'depot'} and depot_id = ${id} and active) as drivers,
      (select count(distinct r.id) from rounds r where r.status in (${live}) and (
         exists (select 1 from round_trips t where t.round_id = r.id and ((${kind === 'vehicle'} and t.vehicle_id = ${id}) or (${kind === 'driver'} and t.driver_id = ${id})))
         or (${kind === 'vehicle'} and r.status = 'planning' and exists (select 1 from round_subproblems s where s.round_id = r.id and s.vehicle_ids ? ${id}::text)))) as live_rounds`.execute(db);
  const r = res.rows[0]!;
  return { vehicles: Number(r.vehicles), drivers: Number(r.drivers), liveRounds: Number(r.live_rounds) };
}

/** Serialises writes that keep a fleet key unique without an index (depot names, driver name and phone) until the transaction ends. */
export async function lockFleetKeys(db: Db, kind: FleetKind): Promise<void> {
  await lockForTransaction(db, `cordon.fleet.${kind}`);
}
