/**
 * The fleet as files (issue #15, item 7): depots, vehicles or drivers in use, one file per kind in
 * exactly the columns its import reads (FLEET_TABLES), so the file loads into another installation
 * and, imported again here, matches every record (depot by name, vehicle by plate, driver by name
 * and phone) and changes nothing. Depots are named, not given by id; lists are `;`-separated,
 * availability windows `from/until`. Read by those who read the fleet (dispatchers, admins).
 */
import type { Writable } from 'node:stream';
import type { Actor } from '../../domain/access';
import type { FleetKind } from '../../domain/fleet';
import { listDepots, listDrivers, listVehicles } from '../../store/fleet.repository';
import { guardRole } from '../access/access-guard';
import { openTableWriter, type Cell } from '../shared/table-export/table-writer';
import type { TableFormat } from '../shared/table-import/table-rows';
import { columnsOf, FLEET_TABLES } from './fleet-import.columns';
import { FLEET_READERS, vehicleView, type FleetDeps } from './fleet.service';

const IN_USE = { includeRetired: false, limit: 100_000, offset: 0 };
const list = (xs: readonly string[]): string => xs.join(';');

/** Each record of the kind as its row's cells by column. */
async function rowsOf(deps: FleetDeps, kind: FleetKind): Promise<Record<string, Cell>[]> {
  const depots = await listDepots(deps.db, IN_USE);
  if (kind === 'depot') return depots.map((d) => ({ name: d.name, lat: d.lat, lon: d.lon, opens_at: d.opensAt, closes_at: d.closesAt }));
  const depotName = new Map(depots.map((d) => [d.id, d.name]));
  if (kind === 'vehicle') {
    return (await listVehicles(deps.db, IN_USE)).map((v) => {
      const view = vehicleView(v);
      return {
        plate: v.plate, name: v.name, depot: depotName.get(v.depotId) ?? null, ...view.capacity, skills: list(v.skills), max_trips: v.maxTrips,
        reload_minutes: v.reloadMinutes, availability: v.availability.map((w) => `${w.from}/${w.until}`).join(';'), licence_class: v.licenceClass,
      };
    });
  }
  return (await listDrivers(deps.db, IN_USE)).map((d) => ({
    name: d.name, phone: d.phone, depot: depotName.get(d.depotId) ?? null, licence_classes: list(d.licenceClasses), skills: list(d.skills),
  }));
}

export async function exportFleet(deps: FleetDeps, actor: Actor, kind: FleetKind, format: TableFormat, open: () => Writable, reqId?: string): Promise<number> {
  await guardRole({ audit: deps.audit, reqId }, actor, FLEET_READERS, `${kind}.export`, kind, '*');
  const columns = columnsOf(FLEET_TABLES[kind]);
  const rows = await rowsOf(deps, kind);
  const table = await openTableWriter(format, open(), `${kind}s`, columns);
  for (const cells of rows) await table.row(columns.map((c) => cells[c] ?? null));
  await table.end();
  return rows.length;
}
