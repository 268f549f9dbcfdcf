/**
 * Passes and their append-only history (migration 0006). Status changes are conditional on the
 * status the caller saw (`where status = from`), so two staff acting at once cannot both win.
 */
import { sql, type Selectable } from 'kysely';
import type { Pass } from '../domain/pass';
import type { PassStatus } from '../domain/pass-status';
import { AUDIT_FIELD_TYPES, AUDIT_FIELDS_RETURNED, auditedIn, auditedRows, auditFields, type SubjectAudit } from './audit.repository';
import { coalesced } from './coalesce';
import type { Db } from './db';
import type { PassesTable } from './tables/passes';

export interface Hospital { id: string; name: string; lat: number; lon: number }

export async function insertHospital(db: Db, h: Omit<Hospital, 'id'>): Promise<Hospital> {
  const row = await db.insertInto('hospitals').values(h).returning(['id', 'name', 'lat', 'lon']).executeTakeFirstOrThrow();
  return row;
}

export async function listHospitals(db: Db): Promise<Hospital[]> {
  return db.selectFrom('hospitals').select(['id', 'name', 'lat', 'lon']).orderBy('name').orderBy('id').execute();
}

export async function findHospital(db: Db, id: string): Promise<Hospital | undefined> {
  return db.selectFrom('hospitals').select(['id', 'name', 'lat', 'lon']).where('id', '=', id).executeTakeFirst();
}

export function toPass(r: Selectable<PassesTable>): Pass {
  return {
    id: r.id, householdId: r.household_id, corridorId: r.corridor_id, communityId: r.community_id, person: r.person,
    hospitalId: r.hospital_id, reason: r.reason, appointmentAt: r.appointment_at, visitEndsAt: r.visit_ends_at,
    needsEscort: r.needs_escort, needsWheelchair: r.needs_wheelchair, status: r.status, refusalReason: r.refusal_reason,
    validFrom: r.valid_from, validUntil: r.valid_until, code: r.code, driverId: r.driver_id, needId: r.need_id, createdBy: r.created_by,
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export type NewPass = Omit<Pass, 'id' | 'status' | 'refusalReason' | 'validFrom' | 'validUntil' | 'code' | 'driverId' | 'needId' | 'updatedAt'> & { needId?: string | null };

/**
 * The pass, its first history entry and (given) its audit row in one statement (a data-modifying
 * CTE, atomic by itself): under the district day's load every statement of a request waits for a
 * turn of a busy event loop while its transaction holds a pooled connection (issue #21).
 */
export async function insertPass(trx: Db, p: NewPass, audit?: SubjectAudit): Promise<Pass> {
  const row = await trx
    .with('created', (db) => db.insertInto('passes').values({
      household_id: p.householdId, corridor_id: p.corridorId, community_id: p.communityId, person: p.person, hospital_id: p.hospitalId,
      reason: p.reason, appointment_at: p.appointmentAt, visit_ends_at: p.visitEndsAt, needs_escort: p.needsEscort,
      needs_wheelchair: p.needsWheelchair, status: 'applied', refusal_reason: null, valid_from: null, valid_until: null, code: null,
      driver_id: null, need_id: p.needId ?? null, created_by: p.createdBy, created_at: p.createdAt, updated_at: p.createdAt,
    }).returningAll())
    .with('logged', (db) => db.insertInto('pass_status_history').columns(['pass_id', 'community_id', 'to_status', 'actor', 'at'])
      .expression((eb) => eb.selectFrom('created').select(['created.id', 'created.community_id', 'created.status', 'created.created_by', 'created.created_at'])))
    .with('audited', auditedIn('created', audit))
    .selectFrom('created').selectAll().executeTakeFirstOrThrow();
  return toPass(row);
}

export async function findPass(db: Db, id: string, forUpdate = false): Promise<Pass | undefined> {
  let q = db.selectFrom('passes').selectAll().where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? toPass(row) : undefined;
}

export async function listHouseholdPasses(db: Db, householdId: string): Promise<Pass[]> {
  const rows = await db.selectFrom('passes').selectAll().where('household_id', '=', householdId).orderBy('created_at', 'desc').limit(200).execute();
  return rows.map(toPass);
}

/** A community's passes, soonest appointment first, optionally only some statuses. */
export async function listCommunityPasses(db: Db, communityId: string, statuses: readonly PassStatus[], limit: number): Promise<Pass[]> {
  let q = db.selectFrom('passes').selectAll().where('community_id', '=', communityId);
  if (statuses.length > 0) q = q.where('status', 'in', statuses);
  const rows = await q.orderBy('appointment_at').orderBy('id').limit(limit).execute();
  return rows.map(toPass);
}

export interface PassPatch {
  refusalReason?: string;
  validFrom?: Date;
  validUntil?: Date;
  code?: string;
}

export interface PassChange { actor: string; at: Date; note?: string | null; patch?: PassPatch; audit?: SubjectAudit }

interface PassMove { passId: string; from: PassStatus; to: PassStatus; change: PassChange }

/**
 * The moves in one statement (a data-modifying CTE, atomic by itself): each pass that is still in
 * its `from` status moves, with its history entry and (given) its audit row; undefined for one that
 * was not (someone moved it first). In the order given. Of two moves of one pass, one wins.
 */
async function movePasses(trx: Db, moves: readonly PassMove[]): Promise<(Pass | undefined)[]> {
  const rows = JSON.stringify(moves.map(({ passId, from, to, change: c }, k) => ({
    k, id: passId, from_status: from, to_status: to, at: c.at, note: c.note ?? null, actor: c.actor,
    refusal_reason: c.patch?.refusalReason ?? null, valid_from: c.patch?.validFrom ?? null, valid_until: c.patch?.validUntil ?? null, code: c.patch?.code ?? null,
    ...auditFields(c.audit),
  })));
  // A patch's fields are never null, so coalesce keeps what a move does not patch.
  const res = await sql<Selectable<PassesTable> & { k: number }>`
    with v as (
      select * from jsonb_to_recordset(${rows}::jsonb) as v(k int, id uuid, from_status text, to_status text, at timestamptz, note text, actor text,
        refusal_reason text, valid_from timestamptz, valid_until timestamptz, code text, ${AUDIT_FIELD_TYPES})
    ), moved as (
      update passes p set status = v.to_status, updated_at = v.at, refusal_reason = coalesce(v.refusal_reason, p.refusal_reason),
        valid_from = coalesce(v.valid_from, p.valid_from), valid_until = coalesce(v.valid_until, p.valid_until), code = coalesce(v.code, p.code)
      from v where p.id = v.id and p.status = v.from_status
      returning p.*, v.k, v.from_status as moved_from, v.note as moved_note, v.actor as moved_by, ${AUDIT_FIELDS_RETURNED}
    ), logged as (
      insert into pass_status_history (pass_id, community_id, from_status, to_status, note, actor, at)
      select id, community_id, moved_from, status, moved_note, moved_by, updated_at from moved
    ), audited as (${auditedRows('moved')})
    select * from moved`.execute(trx);
  const byK = new Map(res.rows.map((r) => [r.k, toPass(r)]));
  return moves.map((_, k) => byK.get(k));
}

const movePassCoalesced = coalesced(movePasses);

/**
 * Moves a pass from `from` to `to` and appends the history (and `change.audit`); undefined when it
 * was no longer `from`. The moves made side by side on one transaction (the passes of a transport
 * batch) are one statement (`movePasses`).
 */
export function movePass(trx: Db, pass: Pick<Pass, 'id'>, from: PassStatus, to: PassStatus, change: PassChange): Promise<Pass | undefined> {
  return movePassCoalesced(trx, { passId: pass.id, from, to, change });
}

/** Sets the passes' drivers in one statement; returns each pass as it now is, in the order given. */
async function setPassDrivers(trx: Db, rows: readonly { passId: string; driverId: string | null }[]): Promise<Pass[]> {
  const res = await sql<Selectable<PassesTable>>`
    update passes p set driver_id = v.driver_id
    from unnest(${rows.map((r) => r.passId)}::uuid[], ${rows.map((r) => r.driverId)}::uuid[]) as v(id, driver_id)
    where p.id = v.id returning p.*`.execute(trx);
  const byId = new Map(res.rows.map((r) => [r.id, toPass(r)]));
  return rows.map((r) => {
    const pass = byId.get(r.passId);
    if (!pass) throw new Error(`pass ${r.passId} not found`);
    return pass;
  });
}

/**
 * Sets the pass's driver; returns the pass as it now is. The calls made side by side on one
 * transaction (the approvals a transport batch finishes) are one statement (`setPassDrivers`).
 */
export const setPassDriver = coalesced(setPassDrivers);

export interface PassHistoryEntry { from: PassStatus | null; to: PassStatus; note: string | null; actor: string; at: Date }

export async function passHistory(db: Db, passId: string): Promise<PassHistoryEntry[]> {
  const rows = await db.selectFrom('pass_status_history').select(['from_status', 'to_status', 'note', 'actor', 'at'])
    .where('pass_id', '=', passId).orderBy('id').execute();
  return rows.map((r) => ({ from: r.from_status, to: r.to_status, note: r.note, actor: r.actor, at: r.at }));
}

/** Passes in one of `statuses` whose `column` lies before `before` (the sweeps), oldest first. */
export async function passesDue(db: Db, statuses: readonly PassStatus[], column: 'valid_until' | 'appointment_at', before: Date, limit = 500): Promise<Pass[]> {
  const rows = await db.selectFrom('passes').selectAll().where('status', 'in', statuses).where(column, '<', before)
    .orderBy(column).orderBy('id').limit(limit).execute();
  return rows.map(toPass);
}

export interface HouseholdPlace {
  id: string;
  corridorId: string;
  communityId: string;
  lat: number;
  lon: number;
  infectionStatus: 'none' | 'close_contact' | 'positive';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Where a household is and whether it must travel alone (infection status). Given a hospital, also
 * whether that hospital exists (`hospitalKnown`), in the same read: a pass application or an
 * emergency asks both, and each statement of a request counts in a morning's burst (issue #21).
 */
export async function householdPlace(db: Db, id: string, hospitalId?: string): Promise<(HouseholdPlace & { hospitalKnown?: boolean }) | undefined> {
  if (!UUID.test(id)) return undefined;
  const r = await db.selectFrom('households as h').select(['h.id', 'h.corridor_id', 'h.community_id', 'h.lat', 'h.lon', 'h.infection_status'])
    .$if(hospitalId !== undefined, (q) => q.select((eb) => eb.exists(eb.selectFrom('hospitals').select('id').where('id', '=', hospitalId!)).as('hospital_known')))
    .where('h.id', '=', id).executeTakeFirst();
  if (!r) return undefined;
  const place: HouseholdPlace = { id: r.id, corridorId: r.corridor_id, communityId: r.community_id, lat: Number(r.lat), lon: Number(r.lon), infectionStatus: r.infection_status };
  return hospitalId === undefined ? place : { ...place, hospitalKnown: r.hospital_known === true };
}

/**
 * Where a pass's legs start and end, in one read: its household's place (and whether it is isolated)
 * and its hospital's (an approval reads them before it queues for its transport batch: pass-legs.ts
 * `legEndsOf`).
 */
export async function legEnds(db: Db, householdId: string, hospitalId: string): Promise<{ home: { lat: number; lon: number; isolated: boolean }; hospital: { lat: number; lon: number } } | undefined> {
  const r = await db.selectFrom('households as h').innerJoin('hospitals as hs', (j) => j.on('hs.id', '=', hospitalId))
    .select(['h.lat', 'h.lon', 'h.infection_status', 'hs.lat as hospital_lat', 'hs.lon as hospital_lon'])
    .where('h.id', '=', householdId).executeTakeFirst();
  return r && { home: { lat: Number(r.lat), lon: Number(r.lon), isolated: r.infection_status !== 'none' }, hospital: { lat: Number(r.hospital_lat), lon: Number(r.hospital_lon) } };
}

/** The hospital nearest to a point (emergencies without a named hospital). */
export async function nearestHospital(db: Db, at: { lat: number; lon: number }): Promise<Hospital | undefined> {
  const all = await listHospitals(db);
  const d = (h: Hospital) => (h.lat - at.lat) ** 2 + ((h.lon - at.lon) * Math.cos((at.lat * Math.PI) / 180)) ** 2;
  return all.sort((a, b) => d(a) - d(b) || (a.id < b.id ? -1 : 1))[0];
}
