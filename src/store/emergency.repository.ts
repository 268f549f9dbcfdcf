/**
 * Emergency cases (migration 0006) and the emergency-medicine need behind one. The need is written
 * here as an accepted, emergency-urgency medicine need with its history row; no outbox event, since
 * the emergency service places it itself (urgent insertion, else a dedicated trip).
 */
import { sql, type Selectable } from 'kysely';
import type { EmergencyCase, EmergencyKind, EmergencyStatus, ReviewOutcome } from '../domain/emergency';
import { coalesced } from './coalesce';
import { AUDIT_FIELD_TYPES, AUDIT_FIELDS_RETURNED, auditedRows, auditFields, type SubjectAudit } from './audit.repository';
import type { Db } from './db';
import type { EmergencyCasesTable } from './tables/passes';



function toCase(r: Selectable<EmergencyCasesTable>): EmergencyCase {
  return {
    id: r.id, householdId: r.household_id, corridorId: r.corridor_id, communityId: r.community_id, kind: r.kind, status: r.status,
    needId: r.need_id, hospitalId: r.hospital_id, tripRef: r.trip_ref, driverId: r.driver_id, unservedReason: r.unserved_reason,
    acceptedAt: r.accepted_at, tripAssignedAt: r.trip_assigned_at, doneAt: r.done_at, createdBy: r.created_by,
    reviewStatus: r.review_status, reviewOutcome: r.review_outcome, reviewedBy: r.reviewed_by, reviewedAt: r.reviewed_at,
  };
}

export interface NewCase {
  householdId: string;
  corridorId: string;
  communityId: string;
  kind: EmergencyKind;
  needId: string | null;
  hospitalId: string | null;
  createdBy: string;
  acceptedAt: Date;
}

export async function insertCase(trx: Db, c: NewCase): Promise<EmergencyCase> {
  const row = await trx.insertInto('emergency_cases').values({
    household_id: c.householdId, corridor_id: c.corridorId, community_id: c.communityId, kind: c.kind, status: 'accepted',
    need_id: c.needId, hospital_id: c.hospitalId, trip_ref: null, driver_id: null, unserved_reason: null, accepted_at: c.acceptedAt,
    trip_assigned_at: null, done_at: null, created_by: c.createdBy, review_outcome: null, reviewed_by: null, reviewed_at: null,
  }).returningAll().executeTakeFirstOrThrow();
  return toCase(row);
}

export async function findCase(db: Db, id: string, forUpdate = false): Promise<EmergencyCase | undefined> {
  let q = db.selectFrom('emergency_cases').selectAll().where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? toCase(row) : undefined;
}

export interface CasePatch {
  tripRef?: string | null;
  driverId?: string | null;
  unservedReason?: string | null;
  tripAssignedAt?: Date;
  doneAt?: Date;
}

/** Moves a case if it is still in `from`; undefined when it was not. */
export async function moveCase(trx: Db, id: string, from: readonly EmergencyStatus[], to: EmergencyStatus, p: CasePatch): Promise<EmergencyCase | undefined> {
  const row = await trx.updateTable('emergency_cases').set({
    status: to,
    ...(p.tripRef !== undefined ? { trip_ref: p.tripRef } : {}),
    ...(p.driverId !== undefined ? { driver_id: p.driverId } : {}),
    ...(p.unservedReason !== undefined ? { unserved_reason: p.unservedReason } : {}),
    ...(p.tripAssignedAt !== undefined ? { trip_assigned_at: p.tripAssignedAt } : {}),
    ...(p.doneAt !== undefined ? { done_at: p.doneAt } : {}),
  }).where('id', '=', id).where('status', 'in', from).returningAll().executeTakeFirst();
  return row ? toCase(row) : undefined;
}

export async function closeReview(trx: Db, id: string, outcome: ReviewOutcome, by: string, at: Date): Promise<EmergencyCase | undefined> {
  const row = await trx.updateTable('emergency_cases').set({ review_status: 'closed', review_outcome: outcome, reviewed_by: by, reviewed_at: at })
    .where('id', '=', id).where('review_status', '=', 'open').returningAll().executeTakeFirst();
  return row ? toCase(row) : undefined;
}

export async function casesToReview(db: Db, communityId: string): Promise<EmergencyCase[]> {
  const rows = await db.selectFrom('emergency_cases').selectAll().where('community_id', '=', communityId)
    .where('review_status', '=', 'open').orderBy('accepted_at').limit(500).execute();
  return rows.map(toCase);
}

/** The unserved reason of a case whose round stop failed at the door: the dispatcher decides, no retry. */
export const DELIVERY_FAILED = 'delivery-failed';

/**
 * A case placed on a round trip ends with its need's stop: delivered, the case is done; failed at
 * the stop, the case is unserved (`DELIVERY_FAILED`) for the dispatcher. Returns the cases moved.
 */
export async function settleCasesOfNeeds(trx: Db, needIds: readonly string[], outcome: 'delivered' | 'failed', at: Date): Promise<number> {
  if (needIds.length === 0) return 0;
  const set = outcome === 'delivered' ? { status: 'done' as const, done_at: at } : { status: 'unserved' as const, unserved_reason: DELIVERY_FAILED };
  const rows = await trx.updateTable('emergency_cases').set(set)
    .where(sql<boolean>`need_id = any(${needIds}::uuid[])`).where('status', '=', 'trip_assigned').returning('id').execute();
  return rows.length;
}

/** The driver of a round trip (an emergency placed on it is theirs to see and close). */
export async function roundTripDriver(db: Db, roundId: string, tripId: string): Promise<string | null> {
  const row = await db.selectFrom('round_trips').select('driver_id').where('round_id', '=', roundId).where('id', '=', tripId).executeTakeFirst();
  return row?.driver_id ?? null;
}

/**
 * Cases still waiting for a trip (the retry sweep): unserved ones, and accepted ones older than
 * `acceptedBefore` (younger ones are still being dispatched by their own request).
 */
export async function casesWaiting(db: Db, acceptedBefore: Date, limit = 100): Promise<EmergencyCase[]> {
  const rows = await db.selectFrom('emergency_cases').selectAll()
    .where((eb) => eb.or([
      eb.and([eb('status', '=', 'unserved'), eb('unserved_reason', 'is distinct from', DELIVERY_FAILED)]),
      eb.and([eb('status', '=', 'accepted'), eb('accepted_at', '<', acceptedBefore)]),
    ]))
    .orderBy('accepted_at').limit(limit).execute();
  return rows.map(toCase);
}

export interface EmergencyMedicine { drug: string; strength: string; quantity: number }

/**
 * The accepted emergency medicine need of a household (a repeat while one is open joins it).
 * Returns its id.
 */
export async function acceptEmergencyMedicineNeed(trx: Db, h: { householdId: string; corridorId: string; communityId: string }, m: EmergencyMedicine, actor: string, at: Date): Promise<string> {
  const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');
  const identity = `${norm(m.drug)}|${norm(m.strength)}`;
  const inserted = await trx.insertInto('needs').values({
    household_id: h.householdId, corridor_id: h.corridorId, community_id: h.communityId, kind: 'medicine', identity_key: identity,
    details: JSON.stringify({ ...m, urgency: 'emergency' }), status: 'accepted', urgency: 'emergency', priority: 100, cycle: null,
    failure_reason: null, created_by: actor, created_at: at, updated_at: at,
  }).onConflict((oc) => oc.doNothing()).returning('id').executeTakeFirst();
  if (inserted) {
    await trx.insertInto('need_status_history').values({ need_id: inserted.id, from_status: null, to_status: 'accepted', note: 'emergency channel', actor, at }).execute();
    return inserted.id;
  }
  const open = await trx.selectFrom('needs').select('id').where('household_id', '=', h.householdId).where('kind', '=', 'medicine')
    .where('identity_key', '=', identity).where('status', 'in', ['submitted', 'accepted', 'planned', 'out_for_delivery']).executeTakeFirstOrThrow();
  return open.id;
}

/** A waiting case to put on its trip (`assignCaseTrip`). */
export interface CaseTrip {
  case: { id: string; needId: string | null };
  trip: { tripRef: string; driverId: string | null; at: Date };
  /** The need's history note, and when it was planned. */
  note: string;
  plannedAt: Date;
}

/**
 * Waiting cases (accepted or unserved) given their trips, and their needs (if any) accepted >
 * planned with their history, so no round plans them a second time: in one statement. In the
 * order given; undefined for a case that was not waiting. (In the district day an emergency's
 * batch ran its statements in turn, each waiting for a turn of a busy event loop: issue #21.)
 */
async function assignCaseTrips(trx: Db, rows: readonly CaseTrip[]): Promise<(EmergencyCase | undefined)[]> {
  const v = JSON.stringify(rows.map((r) => ({
    id: r.case.id, need_id: r.case.needId, trip_ref: r.trip.tripRef, driver_id: r.trip.driverId, at: r.trip.at, note: r.note, planned_at: r.plannedAt,
  })));
  const res = await sql<Selectable<EmergencyCasesTable>>`
    with v as (
      select * from jsonb_to_recordset(${v}::jsonb) as v(id uuid, need_id uuid, trip_ref text, driver_id uuid, at timestamptz, note text, planned_at timestamptz)
    ), planned as (
      update needs n set status = 'planned', updated_at = v.planned_at from v
      where n.id = v.need_id and n.status = 'accepted' returning n.id, v.note, v.planned_at
    ), history as (
      insert into need_status_history (need_id, from_status, to_status, note, actor, at)
      select id, 'accepted', 'planned', note, 'emergency-planner', planned_at from planned
    )
    update emergency_cases e set status = 'trip_assigned', trip_ref = v.trip_ref, driver_id = v.driver_id,
      trip_assigned_at = v.at, unserved_reason = null
    from v where e.id = v.id and e.status in ('accepted', 'unserved') returning e.*`.execute(trx);
  const byId = new Map(res.rows.map((r) => [r.id, toCase(r)]));
  return rows.map((r) => byId.get(r.case.id));
}

/** A waiting case given its trip (`assignCaseTrips`); the calls made side by side on one transaction are one statement. */
export const assignCaseTrip = coalesced(assignCaseTrips);

/** The depot nearest to a point: where emergency medicine is picked up. */
export async function nearestDepot(db: Db, at: { lat: number; lon: number }): Promise<{ id: string; lat: number; lon: number } | undefined> {
  const res = await sql<{ id: string; lat: number; lon: number }>`
    select id, lat, lon from depots
    order by (lat - ${at.lat})^2 + ((lon - ${at.lon}) * cos(radians(${at.lat})))^2, id limit 1`.execute(db);
  const r = res.rows[0];
  return r && { id: r.id, lat: Number(r.lat), lon: Number(r.lon) };
}

/** A case whose trip is done (`closeDoneCase`), with its audit row. */
export interface CaseDone { id: string; at: Date; audit: SubjectAudit }

/**
 * Cases whose trip is done, each moved trip_assigned > done with its audit row, in one statement;
 * undefined for one that was not trip_assigned (done already, say). In the order given; of two calls
 * for one case, one moves it. (A closed emergency's batch ran four statements a case in turn, each a
 * turn of a busy event loop under the planning lock in the district day: issue #21.)
 */
async function closeDoneCases(trx: Db, calls: readonly CaseDone[]): Promise<(EmergencyCase | undefined)[]> {
  const v = JSON.stringify(calls.map((c, k) => ({ k, id: c.id, at: c.at, ...auditFields(c.audit) })));
  const res = await sql<Selectable<EmergencyCasesTable> & { k: number }>`
    with v as (
      select * from jsonb_to_recordset(${v}::jsonb) as v(k int, id uuid, at timestamptz, ${AUDIT_FIELD_TYPES})
    ), moved as (
      update emergency_cases e set status = 'done', done_at = v.at from v where e.id = v.id and e.status = 'trip_assigned'
      returning e.*, v.k, ${AUDIT_FIELDS_RETURNED}
    ), audited as (${auditedRows('moved')})
    select * from moved`.execute(trx);
  const byK = new Map(res.rows.map((r) => [r.k, toCase(r)]));
  return calls.map((_, k) => byK.get(k));
}

/** A case's trip done (`closeDoneCases`); the calls made side by side on one transaction are one statement. */
export const closeDoneCase = coalesced(closeDoneCases);

/**
 * The medicine reached the door: planned (or out) > delivered, with its history (through out for
 * delivery when it was planned), in one statement for every need of the calls made side by side on
 * one transaction: an emergency's done runs in its lane's batch under the planning lock, each
 * statement a turn of a busy event loop in the district day (issue #21).
 */
async function markNeedsDelivered(trx: Db, calls: readonly { needId: string; at: Date }[]): Promise<void[]> {
  await sql`
    with v as (
      select * from unnest(${calls.map((c) => c.needId)}::uuid[], ${calls.map((c) => c.at)}::timestamptz[]) as v(id, at)
    ), before as (
      select n.id, n.status, v.at from needs n join v on v.id = n.id where n.status in ('planned', 'out_for_delivery') for update of n
    ), moved as (
      update needs n set status = 'delivered', updated_at = before.at from before where n.id = before.id returning n.id, before.status as was, before.at
    )
    insert into need_status_history (need_id, from_status, to_status, note, actor, at)
    select moved.id, s.from_status, s.to_status, 'emergency trip done', 'emergency-planner', moved.at
    from moved, (values (1, 'planned', 'out_for_delivery'), (2, 'out_for_delivery', 'delivered')) as s(k, from_status, to_status)
    where s.k = 2 or moved.was = 'planned'
    order by moved.id, s.k`.execute(trx);
  return calls.map(() => undefined);
}

/** The need's medicine at the door (`markNeedsDelivered`). */
export const markNeedDelivered = coalesced(markNeedsDelivered);
