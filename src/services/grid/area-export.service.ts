/**
 * The grid as a file (issue #15, item 7): one row per area in use, in the grid import's columns
 * (GRID_COLUMNS), parents before their children and each parent named by its name path from the
 * district, so the file loads into another installation as it is, and imported again here changes
 * nothing (every row matches its area by parent and name, coordinates equal). parent_id is given
 * only where a name on the path holds a '/', which a name path cannot carry.
 * Scoped like the reads, as far as the import could take the rows back: community staff get what
 * lies below their communities (their community itself is the district's to change), coordinators
 * their corridors and the buildings holding them.
 */
import type { Writable } from 'node:stream';
import type { Actor } from '../../domain/access';
import { AREA_KINDS } from '../../domain/area';
import { loadAreaDirectory, type AreaEntry } from '../../store/area-admin.repository';
import { guardRole } from '../access/access-guard';
import { openTableWriter } from '../shared/table-export/table-writer';
import type { TableFormat } from '../shared/table-import/table-rows';
import { GRID_COLUMNS } from './area-import.columns';
import type { GridDeps } from './grid.service';

const READERS: readonly Actor['role'][] = ['coordinator', 'community_staff', 'dispatcher', 'admin'];
const DEPTH = new Map(AREA_KINDS.map((k, i) => [k, i]));

/** The areas `actor` gets (see the file comment). */
function inScope(actor: Actor, all: readonly AreaEntry[]): AreaEntry[] {
  if (actor.role === 'admin' || actor.role === 'dispatcher') return [...all];
  if (actor.role === 'community_staff') return all.filter((a) => a.kind !== 'community' && a.communityId !== null && actor.communityIds.includes(a.communityId));
  const corridors = new Set(actor.corridorIds);
  const buildings = new Set(all.filter((a) => corridors.has(a.id)).map((a) => a.parentId));
  return all.filter((a) => corridors.has(a.id) || (a.kind === 'building' && buildings.has(a.id)));
}

export async function exportGrid(deps: GridDeps, actor: Actor, format: TableFormat, open: () => Writable, reqId?: string): Promise<number> {
  await guardRole({ audit: deps.audit, reqId }, actor, READERS, 'area.export', 'area', '*');
  const all = await loadAreaDirectory(deps.db);
  const byId = new Map(all.map((a) => [a.id, a]));
  const paths = new Map<string, string>();
  const slashed = new Set<string>();
  const pathOf = (a: AreaEntry): string => {
    let p = paths.get(a.id);
    if (p === undefined) {
      const parent = a.parentId ? byId.get(a.parentId) : undefined;
      p = parent ? `${pathOf(parent)} / ${a.name}` : a.name;
      if (a.name.includes('/') || (parent && slashed.has(parent.id))) slashed.add(a.id);
      paths.set(a.id, p);
    }
    return p;
  };
  const rows = inScope(actor, all).map((a) => {
    const parent = a.parentId ? byId.get(a.parentId) : undefined;
    const path = parent ? pathOf(parent) : '';
    const byName = !parent || !slashed.has(parent.id);
    return { a, parent: byName ? path : '', parentId: byName ? null : (a.parentId ?? null), path };
  }).sort((x, y) => (DEPTH.get(x.a.kind)! - DEPTH.get(y.a.kind)!) || compare(x.path, y.path) || compare(x.a.name, y.a.name));
  const table = await openTableWriter(format, open(), 'grid', GRID_COLUMNS);
  for (const { a, parent, parentId } of rows) {
    const cells: Record<string, string | number | null> = { level: a.kind, name: a.name, parent, parent_id: parentId, lat: a.lat, lon: a.lon };
    await table.row(GRID_COLUMNS.map((c) => cells[c] ?? null));
  }
  await table.end();
  return rows.length;
}

const compare = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });
