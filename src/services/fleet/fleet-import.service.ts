/**
 * The fleet's imports (issue #15, item 3): one CSV or .xlsx file per kind through the shared
 * table-import pipeline. Depots are matched by name, vehicles by plate, drivers by name and phone
 * (among active records), so a file imported again updates and never duplicates; vehicles and
 * drivers name their depot by name. All or nothing per file, like the register: one refused row
 * and nothing is written, the problem document listing line, column and reason; a dry run reports
 * what would be created, updated and refused. Each record written is audited as the API's are.
 */
import type { FleetImportResult } from '../../contracts/fleet.contract';
import type { Actor } from '../../domain/access';
import { nameKey, phoneKey, plateKey, type FleetKind } from '../../domain/fleet';
import type { Db } from '../../store/db';
import {
  activeDepotsNamed, activeDriversNamed, activeVehicleWithPlate, insertDepot, insertDriver, insertVehicle, listDepots, listDrivers, lockFleetKeys, updateDepot, updateDriver, updateVehicle,
  type DepotFields, type DriverFields, type VehicleFields,
} from '../../store/fleet.repository';
import { guardRole } from '../access/access-guard';
import { importTableFile, type ImportFileLimits, type ImportFileRequest } from '../shared/table-import/import-file';
import type { TableSpec } from '../shared/table-import/run-import';
import { columnsOf, FLEET_TABLES, parseFleetRow } from './fleet-import.columns';
import { driverView, FLEET_WRITERS, vehicleView, type FleetDeps } from './fleet.service';

type Row = Record<string, unknown>;
interface Written { id: string; outcome: 'created' | 'updated' | 'unchanged' }

/** The fields a row sets (a blank name sets none: it leaves the record's, or defaults). */
const defined = (row: Row): Row => Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined));

/** Same values, whatever the order of their keys. */
const stable = (v: unknown): unknown => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, stable(x)])) : v);
const same = (a: object, b: object): boolean => JSON.stringify(stable(a)) === JSON.stringify(stable(b));

/** The key a row is matched on, and the one error of a second row with that key in a file. */
const ROW_KEY: Record<FleetKind, { key(r: Row): string; column: string; what: string }> = {
  depot: { key: (r) => nameKey(r.name as string), column: 'name', what: 'depot (name)' },
  vehicle: { key: (r) => plateKey(r.plate as string), column: 'plate', what: 'vehicle (plate)' },
  driver: { key: (r) => `${nameKey(r.name as string)}|${phoneKey(r.phone as string)}`, column: 'phone', what: 'driver (name and phone)' },
};

/** Writes one checked row: finds its record by key, merges the columns present, and writes only what changes. */
const WRITE: Record<FleetKind, (trx: Db, row: Row, depotId: string | undefined) => Promise<Written>> = {
  async depot(trx, row) {
    const old = (await activeDepotsNamed(trx, nameKey(row.name as string)))[0];
    // The record's fields only: its view's id, active and updatedAt would make every row look changed.
    const before: DepotFields | undefined = old && { name: old.name, lat: old.lat, lon: old.lon, opensAt: old.opensAt, closesAt: old.closesAt };
    const fields: DepotFields = { opensAt: null, closesAt: null, ...before, ...(defined(row) as Partial<DepotFields>) } as DepotFields;
    if (!old || !before) return { id: (await insertDepot(trx, fields)).id, outcome: 'created' };
    if (same(before, fields)) return { id: old.id, outcome: 'unchanged' };
    return { id: (await updateDepot(trx, old.id, fields)).id, outcome: 'updated' };
  },
  async vehicle(trx, row, depotId) {
    const old = await activeVehicleWithPlate(trx, plateKey(row.plate as string));
    const { depot: _depot, capacity: given, ...rest } = row;
    const before = old && vehicleView(old);
    const capacity = { ...before?.capacity, ...(given as Record<string, number | undefined> | undefined) };
    const fields: VehicleFields = {
      name: before?.name ?? (row.plate as string), skills: [], maxTrips: 1, reloadMinutes: 20, availability: [], licenceClass: null,
      ...(before && { name: before.name, skills: before.skills, maxTrips: before.maxTrips, reloadMinutes: before.reloadMinutes, availability: before.availability, licenceClass: before.licenceClass }),
      ...(defined(rest) as Partial<VehicleFields>),
      plate: row.plate as string, depotId: depotId!,
      capacity: Object.fromEntries(Object.entries(capacity).filter((e): e is [string, number] => e[1] !== undefined)),
    };
    if (!old || !before) return { id: (await insertVehicle(trx, fields)).id, outcome: 'created' };
    const was: VehicleFields = { ...pick(before, fields), plate: before.plate ?? '', capacity: before.capacity as Record<string, number> };
    if (same(was, fields) && old.plate === fields.plate) return { id: old.id, outcome: 'unchanged' };
    return { id: (await updateVehicle(trx, old.id, fields)).id, outcome: 'updated' };
  },
  async driver(trx, row, depotId) {
    const old = (await activeDriversNamed(trx, nameKey(row.name as string), phoneKey(row.phone as string)))[0];
    const { depot: _depot, ...rest } = row;
    const fields: DriverFields = {
      licenceClasses: [], skills: [], ...(old && { licenceClasses: old.licenceClasses, skills: old.skills }), ...(defined(rest) as Partial<DriverFields>), depotId: depotId!,
    } as DriverFields;
    if (!old) return { id: (await insertDriver(trx, fields)).id, outcome: 'created' };
    if (same(pick({ ...driverView(old), phone: old.phone ?? '' }, fields), fields)) return { id: old.id, outcome: 'unchanged' };
    return { id: (await updateDriver(trx, old.id, fields)).id, outcome: 'updated' };
  },
};

/** `from`'s values of `like`'s keys, in `like`'s order (to compare a record with what a row makes of it). */
function pick<T extends object>(from: object, like: T): T {
  return Object.fromEntries(Object.keys(like).map((k) => [k, (from as Record<string, unknown>)[k]])) as T;
}

export async function importFleet(deps: FleetDeps, actor: Actor, kind: FleetKind, request: ImportFileRequest, limits: Omit<ImportFileLimits, 'batchSize'>, reqId?: string): Promise<FleetImportResult> {
  await guardRole({ audit: deps.audit, reqId }, actor, FLEET_WRITERS, `${kind}.import`, kind, '*');
  const table = FLEET_TABLES[kind];
  // Depots by name, as vehicles and drivers name them and depots are matched (a district has a handful);
  // drivers by name and phone. A key two active records share (older data) cannot be matched: the row says so.
  const all = { includeRetired: false, limit: 100_000, offset: 0 };
  const depots = new Map<string, string | 'ambiguous'>();
  for (const d of await listDepots(deps.db, all)) depots.set(nameKey(d.name), depots.has(nameKey(d.name)) ? 'ambiguous' : d.id);
  const drivers = new Set<string>();
  const sharedDriverKeys = new Set<string>();
  if (kind === 'driver') {
    for (const d of await listDrivers(deps.db, all)) {
      const k = ROW_KEY.driver.key(d as unknown as Row);
      if (drivers.has(k)) sharedDriverKeys.add(k);
      drivers.add(k);
    }
  }
  const seen = new Map<string, number>();
  const spec: TableSpec<{ row: Row; depotId: string | undefined }> = {
    columns: columnsOf(table),
    checkHeader: (present) => table.required.filter((c) => !present.has(c)).map((c) => ({ column: c, reason: 'missing column' })),
    checkRow(cells, line) {
      const row = parseFleetRow(table, cells, line);
      if (Array.isArray(row)) return row;
      let depotId: string | undefined;
      if (kind !== 'depot') {
        const found = depots.get(nameKey(row.depot as string));
        if (found === undefined || found === 'ambiguous') return [{ line, column: 'depot', reason: found ? 'two active depots have this name' : 'no active depot of this name' }];
        depotId = found;
      }
      const { key, column, what } = ROW_KEY[kind];
      if ((kind === 'depot' && depots.get(key(row)) === 'ambiguous') || sharedDriverKeys.has(key(row))) return [{ line, column, reason: `two active records match this ${what}: retire or rename one through the API` }];
      const first = seen.get(key(row));
      if (first !== undefined) return [{ line, column, reason: `the same ${what} as line ${first}` }];
      seen.set(key(row), line);
      return { row, depotId };
    },
  };
  const counts = { created: 0, updated: 0 };
  const outcome = await importTableFile(deps.db, request, { ...limits, batchSize: 200 }, spec, async (trx, batch) => {
    if (kind !== 'vehicle') await lockFleetKeys(trx, kind);
    for (const { value } of batch) {
      const written = await WRITE[kind](trx, value.row, value.depotId);
      if (written.outcome === 'unchanged') continue;
      counts[written.outcome]++;
      await deps.audit?.record({ actor, action: `${kind}.${written.outcome === 'created' ? 'create' : 'update'}`, subjectType: kind, subjectId: written.id, outcome: 'allowed', reqId: reqId ?? null }, trx);
    }
  });
  if (request.dryRun) await deps.audit?.record({ actor, action: `${kind}.import.dry_run`, subjectType: kind, subjectId: '*', outcome: 'allowed', reqId: reqId ?? null });
  return {
    dryRun: request.dryRun, rows: outcome.rows, created: counts.created, updated: counts.updated,
    unchanged: outcome.rows - outcome.refusedRows - counts.created - counts.updated, refused: outcome.refusedRows,
    problems: request.dryRun ? outcome.problems : [],
  };
}
