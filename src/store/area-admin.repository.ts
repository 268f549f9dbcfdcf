/**
 * Writing the grid (issue #15, item 1): areas created, renamed, moved and retired (never deleted),
 * what an area still holds, outlines, and the directory the grid import resolves names against.
 * Grid writes take one advisory lock, so two writers cannot both add the same name under a parent.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Area, AreaKind } from '../domain/area';
import type { Outline } from '../domain/area-admin';
import { OPEN_STATUSES } from '../domain/need-status';
import type { Db } from './db';
import { lockForTransaction } from './advisory-lock';
import { toArea } from './grid.repository';

/** One grid write at a time, to the end of the transaction (grid writes are rare and short). */
export async function lockGrid(trx: Db): Promise<void> {
  await lockForTransaction(trx, 'cordon.grid.write');
}

export async function findAreaForUpdate(trx: Db, id: string): Promise<Area | undefined> {
  const row = await trx.selectFrom('areas').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  return row && toArea(row);
}

/** The area in use under `parentId` (null: a district) whose name has this key, other than `exceptId`. */
export async function findSiblingByName(db: Db, parentId: string | null, nameKey: string, exceptId?: string): Promise<{ id: string; kind: AreaKind } | undefined> {
  let q = db.selectFrom('areas').select(['id', 'kind']).where('name_key', '=', nameKey).where('retired_at', 'is', null);
  q = parentId === null ? q.where('parent_id', 'is', null) : q.where('parent_id', '=', parentId);
  if (exceptId) q = q.where('id', '!=', exceptId);
  return q.executeTakeFirst();
}

export interface NewArea {
  kind: AreaKind;
  name: string;
  parentId: string | null;
  /** The community it lies in; for a community, ignored (itself). */
  communityId: string | null;
  lat: number | null;
  lon: number | null;
}

export async function insertArea(db: Db, a: NewArea): Promise<Area> {
  const id = randomUUID();
  const row = await db.insertInto('areas')
    .values({ id, kind: a.kind, name: a.name, parent_id: a.parentId, community_id: a.kind === 'community' ? id : a.communityId, lat: a.lat, lon: a.lon })
    .returningAll().executeTakeFirstOrThrow();
  return toArea(row);
}

export interface AreaUpdate {
  name?: string;
  parentId?: string;
  lat?: number | null;
  lon?: number | null;
}

export async function updateArea(db: Db, id: string, u: AreaUpdate): Promise<Area> {
  const row = await db.updateTable('areas')
    .set({
      ...(u.name !== undefined ? { name: u.name } : {}),
      ...(u.parentId !== undefined ? { parent_id: u.parentId } : {}),
      ...(u.lat !== undefined ? { lat: u.lat } : {}),
      ...(u.lon !== undefined ? { lon: u.lon } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  return toArea(row);
}

/** An area below community level moved to another community: it and everything under it now lie there. */
export async function setCommunityOfSubtree(db: Db, id: string, communityId: string): Promise<void> {
  await sql`with recursive sub(id) as (select ${id}::uuid union all select a.id from areas a join sub on a.parent_id = sub.id)
    update areas set community_id = ${communityId}::uuid, updated_at = now() where id in (select id from sub)`.execute(db);
}

/** Households in the corridors of an area's subtree (the area itself included). */
export async function countHouseholdsBelow(db: Db, id: string): Promise<number> {
  const r = await sql<{ n: string }>`with recursive sub(id) as (select ${id}::uuid union all select a.id from areas a join sub on a.parent_id = sub.id)
    select count(*)::text as n from households where corridor_id in (select id from sub)`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

export interface AreaHoldings {
  /** Areas in use directly under it. */
  activeChildren: number;
  /** Households registered in it (a corridor's, or a community's). */
  households: number;
  /** Needs not yet delivered, failed or cancelled at it. */
  openNeeds: number;
}

export async function countHoldings(db: Db, id: string): Promise<AreaHoldings> {
  const children = await db.selectFrom('areas').select((eb) => eb.fn.countAll<string>().as('n')).where('parent_id', '=', id).where('retired_at', 'is', null).executeTakeFirstOrThrow();
  const households = await db.selectFrom('households').select((eb) => eb.fn.countAll<string>().as('n'))
    .where((eb) => eb.or([eb('corridor_id', '=', id), eb('community_id', '=', id)])).executeTakeFirstOrThrow();
  const needs = await db.selectFrom('needs').select((eb) => eb.fn.countAll<string>().as('n'))
    .where((eb) => eb.or([eb('corridor_id', '=', id), eb('community_id', '=', id)])).where('status', 'in', OPEN_STATUSES).executeTakeFirstOrThrow();
  return { activeChildren: Number(children.n), households: Number(households.n), openNeeds: Number(needs.n) };
}

export async function retireArea(db: Db, id: string): Promise<Area> {
  const row = await db.updateTable('areas').set({ retired_at: sql<Date>`now()`, updated_at: sql<Date>`now()` }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  return toArea(row);
}

export async function findOutline(db: Db, id: string): Promise<Outline | null> {
  const row = await db.selectFrom('areas').select('outline').where('id', '=', id).executeTakeFirst();
  return (row?.outline ?? null) as Outline | null;
}

export async function setOutline(db: Db, id: string, outline: Outline | null): Promise<void> {
  await db.updateTable('areas').set({ outline: outline === null ? null : JSON.stringify(outline), updated_at: sql<Date>`now()` }).where('id', '=', id).execute();
}

/** An area in use as the grid import and the outline upload resolve names against it. */
export interface AreaEntry {
  id: string;
  kind: AreaKind;
  parentId: string | null;
  communityId: string | null;
  name: string;
  lat: number | null;
  lon: number | null;
}

/** Every area in use (a district of 5,000 corridors: about 6,000 rows). */
export async function loadAreaDirectory(db: Db): Promise<AreaEntry[]> {
  const rows = await db.selectFrom('areas').select(['id', 'kind', 'parent_id', 'community_id', 'name', 'lat', 'lon']).where('retired_at', 'is', null).execute();
  return rows.map((r) => ({ id: r.id, kind: r.kind, parentId: r.parent_id, communityId: r.community_id, name: r.name, lat: r.lat === null ? null : Number(r.lat), lon: r.lon === null ? null : Number(r.lon) }));
}

/**
 * New areas in one statement, ids given: a parent may be in the same batch (the foreign keys are
 * checked at the statement's end), as long as it is written in this batch or an earlier one.
 */
export async function insertAreas(db: Db, rows: readonly AreaEntry[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('areas')
    .values(rows.map((a) => ({ id: a.id, kind: a.kind, name: a.name, parent_id: a.parentId, community_id: a.communityId, lat: a.lat, lon: a.lon })))
    .execute();
}

/** New coordinates for areas in use, in one statement. */
export async function updateAreaCoordinates(db: Db, rows: readonly { id: string; lat: number | null; lon: number | null }[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`update areas a set lat = t.lat, lon = t.lon, updated_at = now()
    from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.lat)}::float8[], ${rows.map((r) => r.lon)}::float8[]) as t(id, lat, lon)
    where a.id = t.id`.execute(db);
}

/** How many of these (parent, name key) pairs name an area in use now (null parent: a district). */
export async function countTakenNames(db: Db, pairs: readonly { parentId: string | null; nameKey: string }[]): Promise<number> {
  if (pairs.length === 0) return 0;
  const r = await sql<{ n: string }>`select count(*)::text as n from areas a
    join unnest(${pairs.map((p) => p.parentId)}::uuid[], ${pairs.map((p) => p.nameKey)}::text[]) as t(parent_id, name_key)
      on a.parent_id is not distinct from t.parent_id and a.name_key = t.name_key
    where a.retired_at is null`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}
