/**
 * Handoff codes of delivery stops and the gate's view of one stop: which round and trip it is on,
 * whether it is still open, and the bags it carries per household.
 */
import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from './db';
import { ON_ROAD_ROUND_STATUSES } from '../domain/round';

/** Any connection or transaction, whatever tables its type knows (these queries are plain SQL). */

const STOP_ID = /^\d{1,18}$/;

/** Six digits from the OS generator, zero-padded: short enough to read out at a gate. */
export function newHandoffCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** Gives every stop of the round that has none a fresh code (dispatch, or stops added after it). */
export async function assignHandoffCodes(trx: Db, roundId: string): Promise<number> {
  const stops = await sql<{ id: string }>`select id::text as id from round_stops where round_id = ${roundId} and handoff_code is null`.execute(trx);
  if (stops.rows.length === 0) return 0;
  const ids = stops.rows.map((s) => s.id);
  const codes = ids.map(() => newHandoffCode());
  await sql`update round_stops s set handoff_code = c.code
    from unnest(${ids}::bigint[], ${codes}::text[]) as c(id, code) where s.id = c.id`.execute(trx);
  return ids.length;
}

export interface GateStop {
  stopId: string;
  roundId: string;
  tripId: string;
  status: 'pending' | 'loaded' | 'delivered' | 'failed';
  handoffCode: string | null;
  attempts: number;
}

/** A stop at this corridor on a round still being delivered (dispatched or in progress), locked for the caller's transaction. */
export async function gateStopForUpdate(trx: Db, corridorId: string, stopId: string): Promise<GateStop | undefined> {
  if (!STOP_ID.test(stopId)) return undefined;
  const res = await sql<{ round_id: string; trip_id: string; status: GateStop['status']; handoff_code: string | null; handoff_attempts: number }>`
    select s.round_id, s.trip_id, s.status, s.handoff_code, s.handoff_attempts from round_stops s join rounds r on r.id = s.round_id
    where s.id = ${stopId}::bigint and s.corridor_id = ${corridorId} and r.status in (${sql.join(ON_ROAD_ROUND_STATUSES)})
    for update of s`.execute(trx);
  const r = res.rows[0];
  return r && { stopId, roundId: r.round_id, tripId: r.trip_id, status: r.status, handoffCode: r.handoff_code, attempts: Number(r.handoff_attempts) };
}

export async function countHandoffAttempt(trx: Db, stopId: string): Promise<void> {
  await sql`update round_stops set handoff_attempts = handoff_attempts + 1 where id = ${stopId}::bigint`.execute(trx);
}

/** `householdId` null: a corridor's own need (waste bags picked up at the gate). */
export interface StopNeed { needId: string; householdId: string | null; corridorId: string; kind: string; status: string }

/** The needs a stop carries bags for, with their current status. */
export async function needsAtStop(db: Db, stopId: string): Promise<StopNeed[]> {
  if (!STOP_ID.test(stopId)) return [];
  const res = await sql<{ need_id: string; household_id: string | null; corridor_id: string; kind: string; status: string }>`
    select distinct n.id::text as need_id, n.household_id::text as household_id, n.corridor_id::text as corridor_id, n.kind, n.status
    from round_bags b join needs n on n.id = b.need_id where b.stop_id = ${stopId}::bigint`.execute(db);
  return res.rows.map((r) => ({ needId: r.need_id, householdId: r.household_id, corridorId: r.corridor_id, kind: r.kind, status: r.status }));
}

export async function bagCountAtStop(db: Db, stopId: string): Promise<number> {
  if (!STOP_ID.test(stopId)) return 0;
  const res = await sql<{ n: string }>`select count(*)::text as n from round_bags where stop_id = ${stopId}::bigint`.execute(db);
  return Number(res.rows[0]?.n ?? 0);
}
