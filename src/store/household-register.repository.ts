/**
 * The household register: one household by id, a page of them, create and change, and the batched
 * upsert the register import writes with (one statement per batch, matched on corridor and address
 * key, rows that would not change left untouched).
 */
import { sql, type Selectable } from 'kysely';
import type { HouseholdFields, RegisteredHousehold } from '../domain/household-register';
import type { InfectionStatus } from '../domain/household';
import { OPEN_STATUSES } from '../domain/need-status';
import type { Db } from './db';
import type { HouseholdsTable } from './schema';

export function toRegistered(row: Selectable<HouseholdsTable>): RegisteredHousehold {
  return {
    id: row.id, corridorId: row.corridor_id, communityId: row.community_id, address: row.address, members: row.members,
    elderlyAlone: row.elderly_alone, cannotCook: row.cannot_cook, chronicIllness: row.chronic_illness, pregnant: row.pregnant, infant: row.infant,
    phone: row.phone, infectionStatus: row.infection_status, lat: Number(row.lat), lon: Number(row.lon), updatedAt: row.updated_at,
  };
}

/** The table's column of each register field. */
export const COLUMN_OF = {
  address: 'address', members: 'members', elderlyAlone: 'elderly_alone', cannotCook: 'cannot_cook', chronicIllness: 'chronic_illness',
  pregnant: 'pregnant', infant: 'infant', phone: 'phone', infectionStatus: 'infection_status', lat: 'lat', lon: 'lon',
} as const satisfies Record<Exclude<keyof HouseholdFields, 'corridorId' | 'communityId'>, keyof HouseholdsTable>;
export type RegisterField = keyof typeof COLUMN_OF;

function toRow(f: HouseholdFields) {
  return {
    corridor_id: f.corridorId, community_id: f.communityId, address: f.address, members: f.members, elderly_alone: f.elderlyAlone, cannot_cook: f.cannotCook,
    chronic_illness: f.chronicIllness, pregnant: f.pregnant, infant: f.infant, phone: f.phone, infection_status: f.infectionStatus, lat: f.lat, lon: f.lon,
  };
}

export async function insertHousehold(db: Db, fields: HouseholdFields): Promise<RegisteredHousehold> {
  return toRegistered(await db.insertInto('households').values(toRow(fields)).returningAll().executeTakeFirstOrThrow());
}

export async function findRegisteredHousehold(db: Db, id: string, lock = false): Promise<RegisteredHousehold | undefined> {
  let q = db.selectFrom('households').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && toRegistered(row);
}

export async function updateHousehold(db: Db, id: string, fields: HouseholdFields): Promise<RegisteredHousehold> {
  const row = await db.updateTable('households').set({ ...toRow(fields), updated_at: sql<Date>`now()` }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  return toRegistered(row);
}

export async function countOpenNeeds(db: Db, householdId: string): Promise<number> {
  const row = await db.selectFrom('needs').select((eb) => eb.fn.countAll<string>().as('n')).where('household_id', '=', householdId).where('status', 'in', OPEN_STATUSES).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Needs of the household a round holds (planned, or on a van): they go to the gate they were planned for. */
export async function countNeedsInRounds(db: Db, householdId: string): Promise<number> {
  const row = await db.selectFrom('needs').select((eb) => eb.fn.countAll<string>().as('n')).where('household_id', '=', householdId)
    .where('status', 'in', ['planned', 'out_for_delivery']).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A moved household's waiting needs (submitted, accepted) follow it to its new corridor. */
export async function moveWaitingNeeds(db: Db, householdId: string, corridorId: string, communityId: string): Promise<void> {
  await db.updateTable('needs').set({ corridor_id: corridorId, community_id: communityId, updated_at: sql<Date>`now()` })
    .where('household_id', '=', householdId).where('status', 'in', ['submitted', 'accepted']).execute();
}

export interface RegisterFilter {
  /** What the caller may see: everything, some corridors, or some communities. */
  scope: { kind: 'all' } | { kind: 'corridors'; ids: readonly string[] } | { kind: 'communities'; ids: readonly string[] };
  corridorId?: string | undefined;
  communityId?: string | undefined;
  infectionStatus?: InfectionStatus | undefined;
  limit: number;
  offset: number;
}

export async function listRegisteredHouseholds(db: Db, f: RegisterFilter): Promise<RegisteredHousehold[]> {
  let q = db.selectFrom('households').selectAll();
  if (f.scope.kind === 'corridors') q = f.scope.ids.length ? q.where('corridor_id', 'in', f.scope.ids) : q.where(sql<boolean>`false`);
  if (f.scope.kind === 'communities') q = f.scope.ids.length ? q.where('community_id', 'in', f.scope.ids) : q.where(sql<boolean>`false`);
  if (f.corridorId) q = q.where('corridor_id', '=', f.corridorId);
  if (f.communityId) q = q.where('community_id', '=', f.communityId);
  if (f.infectionStatus) q = q.where('infection_status', '=', f.infectionStatus);
  const rows = await q.orderBy('corridor_id').orderBy('address_key').limit(f.limit).offset(f.offset).execute();
  return rows.map(toRegistered);
}

/** A corridor as the import resolves rows to it. */
export interface CorridorEntry {
  id: string;
  communityId: string | null;
  name: string;
  communityName: string | null;
  lat: number | null;
  lon: number | null;
}

/** Every corridor in use (retired ones take no households) with its community's name (5,000 rows for a district of 137,000 households). */
export async function loadCorridorDirectory(db: Db): Promise<CorridorEntry[]> {
  const rows = await db.selectFrom('areas as c').leftJoin('areas as m', 'm.id', 'c.community_id')
    .select(['c.id', 'c.community_id', 'c.name', 'm.name as community_name', 'c.lat', 'c.lon']).where('c.kind', '=', 'corridor').where('c.retired_at', 'is', null).execute();
  return rows.map((r) => ({ id: r.id, communityId: r.community_id, name: r.name, communityName: r.community_name, lat: r.lat === null ? null : Number(r.lat), lon: r.lon === null ? null : Number(r.lon) }));
}

/** One household written by an upsert batch: created, or changed (with its status before). */
export interface UpsertedHousehold {
  id: string;
  created: boolean;
  infectionStatus: InfectionStatus;
  /** null when created. */
  infectionStatusBefore: InfectionStatus | null;
}

/**
 * Creates or changes a batch of households in one statement, matched on (corridor, address key).
 * A matched household gets the `fields` given (the import's columns), nothing else; a matched row
 * whose fields already hold those values is not written and not returned. No two rows of a batch
 * may share a corridor and address key (the caller refuses such rows first).
 */
export async function upsertHouseholds(db: Db, rows: readonly HouseholdFields[], fields: readonly RegisterField[]): Promise<UpsertedHousehold[]> {
  if (rows.length === 0) return [];
  const col = (pick: (f: HouseholdFields) => unknown) => rows.map(pick);
  const cols = fields.map((f) => COLUMN_OF[f]);
  const set = cols.length ? sql.raw(cols.map((c) => `${c} = excluded.${c}`).join(', ') + ', updated_at = now()') : sql.raw('updated_at = households.updated_at');
  const changed = cols.length ? sql.raw(`(${cols.map((c) => `households.${c}`).join(', ')}, 0) is distinct from (${cols.map((c) => `excluded.${c}`).join(', ')}, 0)`) : sql.raw('false');
  const res = await sql<{ id: string; created: boolean; infection_status: InfectionStatus; before: InfectionStatus | null }>`
    with input as (
      select * from unnest(${col((r) => r.corridorId)}::uuid[], ${col((r) => r.communityId)}::uuid[], ${col((r) => r.address)}::text[], ${col((r) => r.members)}::int[],
        ${col((r) => r.elderlyAlone)}::bool[], ${col((r) => r.cannotCook)}::bool[], ${col((r) => r.chronicIllness)}::bool[], ${col((r) => r.pregnant)}::bool[],
        ${col((r) => r.infant)}::bool[], ${col((r) => r.phone)}::text[], ${col((r) => r.infectionStatus)}::text[], ${col((r) => r.lat)}::float8[], ${col((r) => r.lon)}::float8[])
        as t(corridor_id, community_id, address, members, elderly_alone, cannot_cook, chronic_illness, pregnant, infant, phone, infection_status, lat, lon)
    ),
    before as (
      select h.id, h.infection_status from households h join input i
        on h.corridor_id = i.corridor_id and h.address_key = translate(btrim(regexp_replace(i.address, '[ \\t\\r\\n]+', ' ', 'g'), ' '), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
    ),
    up as (
      insert into households (corridor_id, community_id, address, members, elderly_alone, cannot_cook, chronic_illness, pregnant, infant, phone, infection_status, lat, lon)
      select * from input
      on conflict (corridor_id, address_key) do update set ${set} where ${changed}
      returning id, (xmax = 0) as created, infection_status
    )
    select up.id, up.created, up.infection_status, before.infection_status as before from up left join before on before.id = up.id`.execute(db);
  return res.rows.map((r) => ({ id: r.id, created: r.created, infectionStatus: r.infection_status, infectionStatusBefore: r.created ? null : r.before }));
}
