/**
 * What the stock side of a round reads from the round's plan: which stops already hold their
 * reservation, the stock needs on each pending stop with its trip's depot, and a trip's stops.
 * The ledger writes themselves go through stock.repository.ts.
 */
import { sql } from 'kysely';
import type { NeedItems } from '../domain/round-plan';
import type { Db } from './db';
import { lockForTransaction } from './advisory-lock';

/** Serialises reservations of one round until the transaction ends (advisory lock on the round id). */
export async function lockRoundStock(trx: Db, roundId: string): Promise<void> {
  await lockForTransaction(trx, `cordon.stock.round.${roundId}`);
}

/** Stops of the round that have a reservation row already (null: a line reserved without a stop). */
export async function reservedStopIds(db: Db, roundId: string): Promise<Set<string | null>> {
  const rows = await db.selectFrom('stock_ledger').select('stop_id').distinct()
    .where('round_id', '=', roundId).where('movement', '=', 'reservation').execute();
  return new Set(rows.map((r) => (r.stop_id === null ? null : String(r.stop_id))));
}

export interface PlannedStockNeed {
  stopId: string;
  tripId: string;
  depotId: string;
  needId: string;
  kind: string;
  details: Record<string, unknown>;
  members: number;
  /** What the round's allocation gave the need (round_needs.items); null: expand its product. */
  items: NeedItems | null;
}

/**
 * The needs of `kinds` on the round's pending stops (or only `onlyNeedId`), each with its stop and its
 * trip's depot: urgent stops first, then by position on their trips, then stop and need id.
 */
export async function plannedStockNeeds(db: Db, roundId: string, kinds: readonly string[], onlyNeedId?: string): Promise<PlannedStockNeed[]> {
  const rows = await sql<{ stop_id: string; depot_id: string; need_id: string; kind: string; details: Record<string, unknown>; members: number; urgent: boolean; seq: number; trip_id: string; items: NeedItems | null }>`
    select distinct on (s.urgent, s.seq, s.trip_id, s.id, n.id) s.id::text as stop_id, t.depot_id, n.id as need_id, n.kind, n.details, h.members, s.urgent, s.seq, s.trip_id, rn.items
    from round_bags b join round_stops s on s.id = b.stop_id
    join round_trips t on t.round_id = s.round_id and t.id = s.trip_id
    join needs n on n.id = b.need_id join households h on h.id = n.household_id
    left join round_needs rn on rn.round_id = b.round_id and rn.need_id = b.need_id
    where b.round_id = ${roundId} and s.status = 'pending' and n.kind in (${sql.join(kinds)})
      ${onlyNeedId === undefined ? sql`` : sql`and b.need_id = ${onlyNeedId}`}
    order by s.urgent desc, s.seq, s.trip_id, s.id, n.id`.execute(db);
  return rows.rows.map((r) => ({ stopId: r.stop_id, tripId: r.trip_id, depotId: r.depot_id, needId: r.need_id, kind: r.kind, details: r.details, members: r.members, items: r.items }));
}

/** Ids of the stops on one trip of the round (as text). */
/** Every stop of the round (dispatch loads them all at once). */
export async function roundStopIds(db: Db, roundId: string): Promise<string[]> {
  const stops = await sql<{ id: string }>`select id::text as id from round_stops where round_id = ${roundId}`.execute(db);
  return stops.rows.map((s) => s.id);
}

export async function tripStopIds(db: Db, roundId: string, tripId: string): Promise<string[]> {
  const stops = await sql<{ id: string }>`select id::text as id from round_stops where round_id = ${roundId} and trip_id = ${tripId}`.execute(db);
  return stops.rows.map((s) => s.id);
}
