/** Areas of the grid and the households in them, as plain objects. */
import type { Selectable } from 'kysely';
import type { Area } from '../domain/area';
import type { Household } from '../domain/household';
import type { AreasTable, HouseholdsTable } from './schema';
import type { Db } from './db';

type Executor = Db;

export function toArea(row: Selectable<AreasTable>): Area {
  return {
    id: row.id,
    kind: row.kind,
    parentId: row.parent_id,
    communityId: row.community_id,
    name: row.name,
    controlStatus: row.control_status,
    riskColour: row.risk_colour,
    lat: row.lat,
    lon: row.lon,
    retiredAt: row.retired_at,
  };
}

export function toHousehold(row: Selectable<HouseholdsTable>): Household {
  return {
    id: row.id,
    corridorId: row.corridor_id,
    communityId: row.community_id,
    address: row.address,
    members: row.members,
    elderlyAlone: row.elderly_alone,
    cannotCook: row.cannot_cook,
    chronicIllness: row.chronic_illness,
    infectionStatus: row.infection_status,
    lat: row.lat,
    lon: row.lon,
  };
}

export async function findArea(db: Executor, id: string): Promise<Area | undefined> {
  const row = await db.selectFrom('areas').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toArea(row);
}

/** Children in use; `includeRetired` adds the retired ones (their history stays readable). */
export async function findChildAreas(db: Executor, parentId: string, includeRetired = false): Promise<Area[]> {
  let q = db.selectFrom('areas').selectAll().where('parent_id', '=', parentId);
  if (!includeRetired) q = q.where('retired_at', 'is', null);
  const rows = await q.orderBy('name').execute();
  return rows.map(toArea);
}

export async function findAreasByKind(db: Executor, kind: Area['kind'], ids?: readonly string[]): Promise<Area[]> {
  if (ids && ids.length === 0) return [];
  let q = db.selectFrom('areas').selectAll().where('kind', '=', kind).where('retired_at', 'is', null);
  if (ids) q = q.where('id', 'in', ids);
  return (await q.orderBy('name').execute()).map(toArea);
}

export async function findHousehold(db: Executor, id: string): Promise<Household | undefined> {
  const row = await db.selectFrom('households').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toHousehold(row);
}

export interface HouseholdPage {
  limit: number;
  offset: number;
}

export async function findHouseholdsIn(db: Executor, where: { corridorId: string } | { communityId: string }, page: HouseholdPage): Promise<Household[]> {
  let q = db.selectFrom('households').selectAll();
  q = 'corridorId' in where ? q.where('corridor_id', '=', where.corridorId) : q.where('community_id', '=', where.communityId);
  const rows = await q.orderBy('address').orderBy('id').limit(page.limit).offset(page.offset).execute();
  return rows.map(toHousehold);
}

/** Households of a corridor keyed by address (the CSV import names households by address). */
export async function findHouseholdsByAddress(db: Executor, corridorId: string, addresses: string[]): Promise<Map<string, Household>> {
  if (addresses.length === 0) return new Map();
  const rows = await db.selectFrom('households').selectAll().where('corridor_id', '=', corridorId).where('address', 'in', addresses).execute();
  return new Map(rows.map((r) => [r.address, toHousehold(r)]));
}

/** Households by id, wherever they are (the intake's batched look-up). */
export async function findHouseholdsByIds(db: Executor, ids: readonly string[]): Promise<Map<string, Household>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('households').selectAll().where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, toHousehold(r)]));
}

export async function findHouseholdsById(db: Executor, corridorId: string, ids: string[]): Promise<Household[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('households').selectAll().where('corridor_id', '=', corridorId).where('id', 'in', ids).execute();
  return rows.map(toHousehold);
}

export async function countAreas(db: Executor): Promise<number> {
  const row = await db.selectFrom('areas').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
