/**
 * The grid file's columns and how a row becomes an area (issue #15, item 1): one row per area,
 * `level` (district, street, community, building, corridor), `name`, its parent by `parent_id` or by
 * `parent`, the names from the top separated by " / " ("North Street / Pine Garden", the district's
 * name first optional), and `lat`/`lon`. A row matches the area in use of that name under that
 * parent: found, it updates the coordinates; not found, it creates one. Parents may come earlier in
 * the same file: each new area gets its id when its row is read, so later rows resolve to it.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Actor } from '../../domain/access';
import { AREA_KINDS, parentKindsOf, type AreaKind } from '../../domain/area';
import { areaFieldsShape, areaNameKey } from '../../domain/area-admin';
import type { RowError } from '../../shared/errors';
import type { AreaEntry } from '../../store/area-admin.repository';
import type { TableSpec } from '../shared/table-import/run-import';
import { communityUnder, mayWriteIn } from './area-admin.service';

export const GRID_COLUMNS: readonly string[] = ['level', 'name', 'parent', 'parent_id', 'lat', 'lon'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SEP = '\u0000';

/** Areas in use by id, by name path, and by parent and name; new areas of the file join as they are read. */
export class AreaDirectory {
  private readonly byId = new Map<string, AreaEntry>();
  private readonly byPath = new Map<string, AreaEntry | 'ambiguous'>();
  private readonly byParentName = new Map<string, AreaEntry | 'ambiguous'>();

  constructor(entries: readonly AreaEntry[]) {
    for (const e of entries) this.byId.set(e.id, e);
    for (const e of entries) this.index(e);
  }

  static pathKey(names: readonly string[]): string {
    return names.map(areaNameKey).join(SEP);
  }

  add(e: AreaEntry): void {
    this.byId.set(e.id, e);
    this.index(e);
  }

  get(id: string): AreaEntry | undefined {
    return this.byId.get(id);
  }

  byPathText(path: string): AreaEntry | 'ambiguous' | undefined {
    return this.byPath.get(AreaDirectory.pathKey(path.split('/').map((p) => p.trim())));
  }

  child(parentId: string | null, name: string): AreaEntry | 'ambiguous' | undefined {
    return this.byParentName.get(`${parentId ?? ''}${SEP}${areaNameKey(name)}`);
  }

  /** Under its full path (district first) and, below a district, its path without the district's name. */
  private index(e: AreaEntry): void {
    const names: string[] = [];
    for (let a: AreaEntry | undefined = e, guard = 0; a && guard < 8; a = a.parentId ? this.byId.get(a.parentId) : undefined, guard++) names.unshift(a.name);
    const keys = [AreaDirectory.pathKey(names)];
    if (names.length > 1) keys.push(AreaDirectory.pathKey(names.slice(1)));
    for (const k of keys) this.byPath.set(k, this.byPath.has(k) ? 'ambiguous' : e);
    const pk = `${e.parentId ?? ''}${SEP}${areaNameKey(e.name)}`;
    this.byParentName.set(pk, this.byParentName.has(pk) ? 'ambiguous' : e);
  }
}

/** What a good row becomes: a new area (its id given now), or new coordinates for one in use, or nothing. */
export type GridRow =
  | { op: 'create'; area: AreaEntry }
  | { op: 'update'; id: string; lat: number | null; lon: number | null }
  | { op: 'unchanged'; id: string };

const coordinates = z.strictObject({ lat: areaFieldsShape.lat.optional(), lon: areaFieldsShape.lon.optional(), name: areaFieldsShape.name });
const number = (raw: string | undefined): unknown => (raw === undefined || raw === '' ? undefined : /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw);

type Found = { parent: AreaEntry | null } | { column: string; reason: string };

function parentOf(dir: AreaDirectory, kind: AreaKind, cells: Readonly<Record<string, string>>): Found {
  const kinds = parentKindsOf(kind);
  const id = cells.parent_id ?? '';
  const path = cells.parent ?? '';
  if (kinds.length === 0) return id || path ? { column: id ? 'parent_id' : 'parent', reason: 'a district has no parent' } : { parent: null };
  let parent: AreaEntry | 'ambiguous' | undefined;
  let column = 'parent';
  if (id !== '') {
    column = 'parent_id';
    if (!UUID.test(id)) return { column, reason: 'expected an area id (uuid)' };
    parent = dir.get(id.toLowerCase());
  } else if (path !== '') {
    parent = dir.byPathText(path);
  } else {
    return { column, reason: `required: a ${kind} goes under a ${kinds.join(' or ')} (parent or parent_id)` };
  }
  if (parent === 'ambiguous') return { column, reason: 'two areas in use have this name path: use parent_id' };
  if (!parent) return { column, reason: 'no area in use by this name path or id (a parent created in the file comes before its areas)' };
  if (!kinds.includes(parent.kind)) return { column, reason: `a ${kind} goes under a ${kinds.join(' or ')}, not a ${parent.kind}` };
  return { parent };
}

/** The grid table for one import, for one actor (community staff: rows inside their communities). */
export function gridTableSpec(actor: Actor, dir: AreaDirectory): TableSpec<GridRow> {
  const seen = new Map<string, number>();
  return {
    columns: GRID_COLUMNS,
    checkHeader(present) {
      const errs: { column: string | null; reason: string }[] = [];
      for (const c of ['level', 'name']) if (!present.has(c)) errs.push({ column: c, reason: 'missing column' });
      if (!present.has('parent') && !present.has('parent_id')) errs.push({ column: 'parent', reason: 'missing column: parent, or parent_id' });
      return errs;
    },
    checkRow(cells, line) {
      const errors: RowError[] = [];
      const level = (cells.level ?? '').toLowerCase();
      const kind = (AREA_KINDS as readonly string[]).includes(level) ? (level as AreaKind) : undefined;
      if (!kind) errors.push({ line, column: 'level', reason: `expected one of ${AREA_KINDS.join(', ')}` });
      const parsed = coordinates.safeParse({ name: cells.name ?? '', lat: number(cells.lat), lon: number(cells.lon) });
      if (!parsed.success) for (const issue of parsed.error.issues) errors.push({ line, column: String(issue.path[0] ?? 'name'), reason: issue.message });
      if (parsed.success && (parsed.data.lat === undefined) !== (parsed.data.lon === undefined)) errors.push({ line, column: parsed.data.lat === undefined ? 'lat' : 'lon', reason: 'give both lat and lon, or neither' });
      const found = kind ? parentOf(dir, kind, cells) : undefined;
      if (found && 'reason' in found) errors.push({ line, ...found });
      if (errors.length || !kind || !parsed.success || !found || 'reason' in found) return errors;

      const { parent } = found;
      const community = parent && communityUnder(parent);
      if (!mayWriteIn(actor, community)) return [{ line, column: cells.parent_id ? 'parent_id' : 'parent', reason: 'this area is outside your communities' }];
      const { name, lat, lon } = parsed.data;
      const key = `${parent?.id ?? ''}${SEP}${areaNameKey(name)}`;
      const first = seen.get(key);
      if (first !== undefined) return [{ line, column: 'name', reason: `the same area (parent and name) as line ${first}` }];
      seen.set(key, line);

      const existing = dir.child(parent?.id ?? null, name);
      if (existing === 'ambiguous') return [{ line, column: 'name', reason: 'two areas in use under this parent have this name: rename one through the API first' }];
      if (existing) {
        if (existing.kind !== kind) return [{ line, column: 'level', reason: `an area of this name under this parent is a ${existing.kind}` }];
        if (lat === undefined || lon === undefined || (existing.lat === lat && existing.lon === lon)) return { op: 'unchanged', id: existing.id };
        existing.lat = lat;
        existing.lon = lon;
        return { op: 'update', id: existing.id, lat, lon };
      }
      const id = randomUUID();
      const area: AreaEntry = { id, kind, name, parentId: parent?.id ?? null, communityId: kind === 'community' ? id : community, lat: lat ?? null, lon: lon ?? null };
      dir.add(area);
      return { op: 'create', area };
    },
  };
}
