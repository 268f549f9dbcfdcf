/**
 * The fleet's use cases (issue #15, item 3): depots, vehicles and drivers created, changed, retired
 * and listed. Admins write; dispatchers and admins read (drivers' phones are not for the other
 * roles). Every change is audited in its own transaction. Nothing is deleted: a record that trips,
 * batches or stock history point at is retired (never planned again, kept for history), and one
 * still in use (a depot with active vehicles or drivers, a vehicle or driver on a round being
 * planned or on the road) is not retired from under it (409).
 *
 * The keys imports match on stay unique among active records: a plate by its index (migration
 * 0022), a depot's name and a driver's name and phone here, under a lock per kind.
 */
import type { DepotView, DriverView, VehicleView } from '../../contracts/fleet.contract';
import type { Actor } from '../../domain/access';
import {
  CAPACITY_DIMENSIONS, nameKey, phoneKey, plateKey, vehicleLabel,
  type CreateDepotInput, type CreateDriverInput, type CreateVehicleInput, type Depot, type DepotChange, type Driver, type DriverChange, type FleetKind, type Vehicle, type VehicleChange,
} from '../../domain/fleet';
import { capacityOf } from '../../planning/adapters/round-problem';
import { classifyDbError } from '../../shared/db-errors';
import { AppError } from '../../shared/errors';
import type { Db } from '../../store/db';
import {
  activeDepotsNamed, activeDriversNamed, activeVehicleWithPlate, findDepot, findDriver, findVehicle, holdersOf, insertDepot, insertDriver, insertVehicle,
  listDepots, listDrivers, listVehicles, lockFleetKeys, retire, updateDepot, updateDriver, updateVehicle,
  type DepotFields, type DriverFields, type FleetListQuery, type VehicleFields,
} from '../../store/fleet.repository';
import { guardRole, type GuardContext } from '../access/access-guard';
import type { AuditService } from '../access/audit.service';

export interface FleetDeps {
  db: Db;
  audit: AuditService | undefined;
}

export const FLEET_WRITERS: readonly Actor['role'][] = ['admin'];
export const FLEET_READERS: readonly Actor['role'][] = ['dispatcher', 'admin'];

export const fieldError = (code: 'validation' | 'conflict', path: string, message: string) => new AppError(code, `${path}: ${message}`, { errors: [{ path: [path], message }] });

export function depotView(d: Depot): DepotView {
  return { ...d, updatedAt: d.updatedAt.toISOString() };
}
/** Capacity under the API's names, whatever names the record uses (the demo's say packages, weight_kg). */
export function vehicleView(v: Vehicle): VehicleView {
  const capacity: Record<string, number> = {};
  for (const d of CAPACITY_DIMENSIONS) {
    const amount = d === 'seats' ? v.capacity.seats : capacityOf(v.capacity, d);
    if (amount !== undefined) capacity[d] = amount;
  }
  return { ...v, capacity, label: vehicleLabel(v.name, v.plate), updatedAt: v.updatedAt.toISOString() };
}
export function driverView(d: Driver): DriverView {
  return { ...d, updatedAt: d.updatedAt.toISOString() };
}

/** A write by an admin, audited in the same transaction as the change. */
async function write<T extends { id: string }>(deps: FleetDeps, actor: Actor, kind: FleetKind, action: 'create' | 'update' | 'retire', subjectId: string, reqId: string | undefined, work: (trx: Db) => Promise<T>): Promise<T> {
  await guardRole({ audit: deps.audit, reqId }, actor, FLEET_WRITERS, `${kind}.${action}`, kind, subjectId);
  return deps.db.transaction().execute(async (trx) => {
    const out = await work(trx);
    await deps.audit?.record({ actor, action: `${kind}.${action}`, subjectType: kind, subjectId: out.id, outcome: 'allowed', reqId: reqId ?? null }, trx);
    return out;
  });
}

async function read(deps: FleetDeps, actor: Actor, kind: FleetKind, reqId: string | undefined): Promise<void> {
  const ctx: GuardContext = { audit: deps.audit, reqId };
  await guardRole(ctx, actor, FLEET_READERS, `${kind}.list`, kind, '*');
}

// ---- the checks an import shares with the API (each in the writing transaction)

/** The depot a vehicle or driver is given: it must exist and be active (422 naming the field). */
export async function activeDepot(trx: Db, depotId: string, path = 'depotId'): Promise<Depot> {
  const depot = await findDepot(trx, depotId);
  if (!depot || !depot.active) throw fieldError('validation', path, depot ? 'the depot is retired' : 'no such depot');
  return depot;
}

export async function uniqueDepotName(trx: Db, name: string, self: string | undefined): Promise<void> {
  await lockFleetKeys(trx, 'depot');
  if ((await activeDepotsNamed(trx, nameKey(name))).some((d) => d.id !== self)) throw fieldError('conflict', 'name', 'an active depot already has this name');
}

export async function uniquePlate(trx: Db, plate: string, self: string | undefined): Promise<void> {
  const holder = await activeVehicleWithPlate(trx, plateKey(plate));
  if (holder && holder.id !== self) throw fieldError('conflict', 'plate', 'an active vehicle already has this plate');
}

export async function uniqueDriver(trx: Db, name: string, phone: string, self: string | undefined): Promise<void> {
  await lockFleetKeys(trx, 'driver');
  if ((await activeDriversNamed(trx, nameKey(name), phoneKey(phone))).some((d) => d.id !== self)) throw fieldError('conflict', 'phone', 'an active driver already has this name and phone');
}

/** Two writers racing for one plate: the index refuses the second, named like the check above. */
async function plateIndex<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (classifyDbError(err)?.kind === 'unique') throw fieldError('conflict', 'plate', 'an active vehicle already has this plate');
    throw err;
  }
}

async function current<T extends { active: boolean }>(found: T | undefined, what: string): Promise<T> {
  if (!found) throw new AppError('not_found', `${what} not found`);
  if (!found.active) throw new AppError('conflict', `the ${what} is retired`);
  return found;
}

const compact = (capacity: Record<string, number | undefined>): Record<string, number> =>
  Object.fromEntries(Object.entries(capacity).filter((e): e is [string, number] => e[1] !== undefined));

// ---- depots

export const createDepot = (deps: FleetDeps, actor: Actor, input: CreateDepotInput, reqId?: string): Promise<DepotView> =>
  write(deps, actor, 'depot', 'create', '*', reqId, async (trx) => {
    await uniqueDepotName(trx, input.name, undefined);
    return insertDepot(trx, input);
  }).then(depotView);

export const changeDepot = (deps: FleetDeps, actor: Actor, id: string, change: DepotChange, reqId?: string): Promise<DepotView> =>
  write(deps, actor, 'depot', 'update', id, reqId, async (trx) => {
    const d = await current(await findDepot(trx, id, true), 'depot');
    const fields: DepotFields = { ...d, ...change };
    if (nameKey(fields.name) !== nameKey(d.name)) await uniqueDepotName(trx, fields.name, id);
    if (fields.opensAt && fields.closesAt && fields.closesAt <= fields.opensAt) throw fieldError('validation', 'closesAt', 'closesAt must be after opensAt');
    return updateDepot(trx, id, fields);
  }).then(depotView);

export const retireDepot = (deps: FleetDeps, actor: Actor, id: string, reqId?: string): Promise<DepotView> =>
  write(deps, actor, 'depot', 'retire', id, reqId, async (trx) => {
    const d = await current(await findDepot(trx, id, true), 'depot');
    const held = await holdersOf(trx, 'depot', id);
    if (held.vehicles + held.drivers > 0) {
      throw new AppError('conflict', `the depot is home to ${held.vehicles} active vehicle(s) and ${held.drivers} driver(s): move or retire them first`);
    }
    await retire(trx, 'depot', id);
    return { ...d, active: false };
  }).then(depotView);

export async function listDepotViews(deps: FleetDeps, actor: Actor, q: FleetListQuery, reqId?: string): Promise<DepotView[]> {
  await read(deps, actor, 'depot', reqId);
  return (await listDepots(deps.db, q)).map(depotView);
}

// ---- vehicles

export const createVehicle = (deps: FleetDeps, actor: Actor, input: CreateVehicleInput, reqId?: string): Promise<VehicleView> =>
  write(deps, actor, 'vehicle', 'create', '*', reqId, async (trx) => {
    await activeDepot(trx, input.depotId);
    await uniquePlate(trx, input.plate, undefined);
    return plateIndex(() => insertVehicle(trx, { ...input, capacity: compact(input.capacity) }));
  }).then(vehicleView);

export const changeVehicle = (deps: FleetDeps, actor: Actor, id: string, change: VehicleChange, reqId?: string): Promise<VehicleView> =>
  write(deps, actor, 'vehicle', 'update', id, reqId, async (trx) => {
    const v = await current(await findVehicle(trx, id, true), 'vehicle');
    const fields: VehicleFields = { ...v, plate: v.plate ?? '', ...change, capacity: change.capacity ? compact(change.capacity) : v.capacity };
    if (change.depotId && change.depotId !== v.depotId) await activeDepot(trx, change.depotId);
    if (!fields.plate) throw fieldError('validation', 'plate', 'required: the vehicle has no plate yet');
    await uniquePlate(trx, fields.plate, id);
    return plateIndex(() => updateVehicle(trx, id, fields));
  }).then(vehicleView);

export const retireVehicle = (deps: FleetDeps, actor: Actor, id: string, reqId?: string): Promise<VehicleView> =>
  write(deps, actor, 'vehicle', 'retire', id, reqId, async (trx) => {
    const v = await current(await findVehicle(trx, id, true), 'vehicle');
    if ((await holdersOf(trx, 'vehicle', id)).liveRounds > 0) throw new AppError('conflict', 'the vehicle is on a round being planned, proposed or on the road: retire it once that round is done');
    await retire(trx, 'vehicle', id);
    return { ...v, active: false };
  }).then(vehicleView);

export async function listVehicleViews(deps: FleetDeps, actor: Actor, q: FleetListQuery & { depotId?: string | undefined }, reqId?: string): Promise<VehicleView[]> {
  await read(deps, actor, 'vehicle', reqId);
  return (await listVehicles(deps.db, q)).map(vehicleView);
}

// ---- drivers

export const createDriver = (deps: FleetDeps, actor: Actor, input: CreateDriverInput, reqId?: string): Promise<DriverView> =>
  write(deps, actor, 'driver', 'create', '*', reqId, async (trx) => {
    await activeDepot(trx, input.depotId);
    await uniqueDriver(trx, input.name, input.phone, undefined);
    return insertDriver(trx, input);
  }).then(driverView);

export const changeDriver = (deps: FleetDeps, actor: Actor, id: string, change: DriverChange, reqId?: string): Promise<DriverView> =>
  write(deps, actor, 'driver', 'update', id, reqId, async (trx) => {
    const d = await current(await findDriver(trx, id, true), 'driver');
    const fields: DriverFields = { ...d, phone: d.phone ?? '', ...change };
    if (change.depotId && change.depotId !== d.depotId) await activeDepot(trx, change.depotId);
    if (!fields.phone) throw fieldError('validation', 'phone', 'required: the driver has no phone yet');
    await uniqueDriver(trx, fields.name, fields.phone, id);
    return updateDriver(trx, id, fields);
  }).then(driverView);

export const retireDriver = (deps: FleetDeps, actor: Actor, id: string, reqId?: string): Promise<DriverView> =>
  write(deps, actor, 'driver', 'retire', id, reqId, async (trx) => {
    const d = await current(await findDriver(trx, id, true), 'driver');
    if ((await holdersOf(trx, 'driver', id)).liveRounds > 0) throw new AppError('conflict', 'the driver has batches on a round proposed or on the road: retire them once that round is done');
    await retire(trx, 'driver', id);
    return { ...d, active: false };
  }).then(driverView);

export async function listDriverViews(deps: FleetDeps, actor: Actor, q: FleetListQuery & { depotId?: string | undefined }, reqId?: string): Promise<DriverView[]> {
  await read(deps, actor, 'driver', reqId);
  return (await listDrivers(deps.db, q)).map(driverView);
}
