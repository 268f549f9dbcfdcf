/**
 * The gate's per-door check-offs and the photos attached at the gate (migration 0026). One
 * check-off per stop and household; photos as metadata, their bytes in a PhotoStore.
 */
import { sql } from 'kysely';
import type { Db } from './db';

export type CheckOffOutcome = 'handed_over' | 'failed';

export interface CheckOff { stopId: string; householdId: string; outcome: CheckOffOutcome; reason: string | null; checkedAt: Date; recordedAt: Date; actorId: string }

type Row = { stop_id: string; household_id: string; outcome: CheckOffOutcome; reason: string | null; checked_at: Date; recorded_at: Date; actor_id: string };
const toCheckOff = (r: Row): CheckOff => ({
  stopId: String(r.stop_id), householdId: r.household_id, outcome: r.outcome, reason: r.reason, checkedAt: new Date(r.checked_at), recordedAt: new Date(r.recorded_at), actorId: r.actor_id,
});

export async function findCheckOff(db: Db, stopId: string, householdId: string): Promise<CheckOff | undefined> {
  const res = await sql<Row>`select stop_id::text, household_id, outcome, reason, checked_at, recorded_at, actor_id from gate_checkoffs
    where stop_id = ${stopId}::bigint and household_id = ${householdId}`.execute(db);
  return res.rows[0] && toCheckOff(res.rows[0]);
}

/** Writes the check-off (a changed one replaces the old: handed over, then failed on a second look). */
export async function saveCheckOff(db: Db, c: Omit<CheckOff, 'recordedAt'>): Promise<CheckOff> {
  const res = await sql<Row>`insert into gate_checkoffs (stop_id, household_id, outcome, reason, checked_at, actor_id)
    values (${c.stopId}::bigint, ${c.householdId}, ${c.outcome}, ${c.reason}, ${c.checkedAt}, ${c.actorId})
    on conflict (stop_id, household_id) do update set outcome = excluded.outcome, reason = excluded.reason, checked_at = excluded.checked_at, actor_id = excluded.actor_id, recorded_at = now()
    returning stop_id::text, household_id, outcome, reason, checked_at, recorded_at, actor_id`.execute(db);
  return toCheckOff(res.rows[0]!);
}

/** The check-offs of the given stops. */
export async function checkOffsOfStops(db: Db, stopIds: readonly string[]): Promise<CheckOff[]> {
  if (stopIds.length === 0) return [];
  const res = await sql<Row>`select stop_id::text, household_id, outcome, reason, checked_at, recorded_at, actor_id from gate_checkoffs
    where stop_id in (${sql.join(stopIds.map((id) => sql`${id}::bigint`))})`.execute(db);
  return res.rows.map(toCheckOff);
}

export interface PhotoMeta { id: string; stopId: string; householdId: string | null; contentType: string; bytes: number; sha256: string; createdAt: Date }

export async function insertPhoto(db: Db, p: Omit<PhotoMeta, 'id' | 'createdAt'> & { actorId: string }): Promise<PhotoMeta> {
  const res = await sql<{ id: string; created_at: Date }>`insert into gate_photos (stop_id, household_id, content_type, bytes, sha256, actor_id)
    values (${p.stopId}::bigint, ${p.householdId}, ${p.contentType}, ${p.bytes}, ${p.sha256}, ${p.actorId}) returning id, created_at`.execute(db);
  const row = res.rows[0]!;
  return { id: row.id, stopId: p.stopId, householdId: p.householdId, contentType: p.contentType, bytes: p.bytes, sha256: p.sha256, createdAt: new Date(row.created_at) };
}

/** A photo with where its stop is (corridor, community) and who drives its trip: enough to decide who may see it. */
export async function findPhoto(db: Db, photoId: string): Promise<(PhotoMeta & { corridorId: string; communityId: string | null; driverId: string | null }) | undefined> {
  const res = await sql<{ id: string; stop_id: string; household_id: string | null; content_type: string; bytes: number; sha256: string; created_at: Date; corridor_id: string; community_id: string | null; driver_id: string | null }>`
    select p.id, p.stop_id::text, p.household_id, p.content_type, p.bytes, p.sha256, p.created_at, s.corridor_id, a.community_id, t.driver_id
    from gate_photos p join round_stops s on s.id = p.stop_id join areas a on a.id = s.corridor_id
    join round_trips t on t.round_id = s.round_id and t.id = s.trip_id
    where p.id = ${photoId}`.execute(db);
  const r = res.rows[0];
  return r && {
    id: r.id, stopId: r.stop_id, householdId: r.household_id, contentType: r.content_type, bytes: Number(r.bytes), sha256: r.sha256, createdAt: new Date(r.created_at),
    corridorId: r.corridor_id, communityId: r.community_id, driverId: r.driver_id,
  };
}

/** The photos of the given stops (ids and what they show), oldest first. */
export async function photosOfStops(db: Db, stopIds: readonly string[]): Promise<{ id: string; stopId: string; householdId: string | null }[]> {
  if (stopIds.length === 0) return [];
  const res = await sql<{ id: string; stop_id: string; household_id: string | null }>`select id, stop_id::text, household_id from gate_photos
    where stop_id in (${sql.join(stopIds.map((id) => sql`${id}::bigint`))}) order by created_at, id`.execute(db);
  return res.rows.map((r) => ({ id: r.id, stopId: r.stop_id, householdId: r.household_id }));
}
