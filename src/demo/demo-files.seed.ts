/**
 * The demo district's grid, register and fleet, loaded from the files in src/demo/files through the
 * same imports a district office uses (issue #15, item 6), so every start exercises the import path
 * on PostgreSQL and on PGlite. Called with the seed's transaction: the imports write inside it.
 */
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Actor } from '../domain/access';
import type { FleetKind } from '../domain/fleet';
import type { Household } from '../domain/household';
import { importFleet } from '../services/fleet/fleet-import.service';
import { importGrid } from '../services/grid/area-import.service';
import { importHouseholds } from '../services/grid/household-import.service';
import type { Db } from '../store/db';

const FILES = fileURLToPath(new URL('./files/', import.meta.url));
const LIMITS = { maxBytes: 16 * 1024 * 1024, maxRows: 100_000 };

const file = (name: string) => ({ format: 'csv' as const, body: createReadStream(`${FILES}${name}`), dryRun: false });

export interface DemoFiles {
  /** In the seed's order: communities street by street, west to east (Jianguo West first). */
  communities: string[];
  corridorsByCommunity: Map<string, string[]>;
  /** Community by community, by address (flat by flat). */
  households: Household[];
  /** Xujiahui first: the stock seed stocks the first depot fully. */
  depotIds: string[];
  driverIds: Map<string, string>;
}

const byNumber = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

export async function loadDemoFiles(trx: Db, system: Actor): Promise<DemoFiles> {
  const deps = { db: trx, audit: undefined };
  await importGrid(deps, system, file('grid.csv'), LIMITS);
  await importHouseholds(deps, system, file('households.csv'), LIMITS);
  for (const kind of ['depot', 'vehicle', 'driver'] as FleetKind[]) await importFleet(deps, system, kind, file(`${kind}s.csv`), LIMITS);

  const areas = await trx.selectFrom('areas').select(['id', 'kind', 'name', 'parent_id', 'community_id', 'lat', 'lon']).execute();
  const lat = new Map(areas.map((a) => [a.id, Number(a.lat)]));
  const communities = areas.filter((a) => a.kind === 'community')
    .sort((a, b) => lat.get(a.parent_id!)! - lat.get(b.parent_id!)! || Number(a.lon) - Number(b.lon)).map((a) => a.id);
  const corridorsByCommunity = new Map(communities.map((c) => [c, areas.filter((a) => a.kind === 'corridor' && a.community_id === c).sort((a, b) => byNumber(a.name, b.name)).map((a) => a.id)]));
  const order = new Map(communities.map((c, i) => [c, i]));
  const households = (await trx.selectFrom('households').selectAll().execute())
    .sort((a, b) => order.get(a.community_id)! - order.get(b.community_id)! || (a.address < b.address ? -1 : 1))
    .map((h): Household => ({ id: h.id, corridorId: h.corridor_id, communityId: h.community_id, address: h.address, members: h.members, elderlyAlone: h.elderly_alone, cannotCook: h.cannot_cook, chronicIllness: h.chronic_illness, infectionStatus: h.infection_status, lat: Number(h.lat), lon: Number(h.lon) }));
  const depotIds = (await trx.selectFrom('depots').select(['id', 'lat']).execute()).sort((a, b) => Number(a.lat) - Number(b.lat)).map((d) => d.id);
  const driverIds = new Map((await trx.selectFrom('drivers').select(['id', 'name']).execute()).map((d) => [d.name, d.id]));
  return { communities, corridorsByCommunity, households, depotIds, driverIds };
}
