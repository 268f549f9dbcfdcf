/**
 * Reads over the stock ledger: balances with minimums, the ledger itself, lots near expiry,
 * what a round still holds reserved per stop, and a consistency check (ledger sums = balances).
 */
import { sql } from 'kysely';
import type { Movement } from '../domain/stock';
import type { Db } from './db';

export interface BalanceRow {
  depotId: string;
  depotName: string;
  itemCode: string;
  onHand: number;
  reserved: number;
  available: number;
  minimum: number | null;
}

export async function listBalances(db: Db, filter: { depotId?: string | undefined; itemCode?: string | undefined } = {}): Promise<BalanceRow[]> {
  const res = await sql<{ depot_id: string; depot_name: string; item_code: string; on_hand: number; reserved: number; minimum: number | null }>`
    select d.id as depot_id, d.name as depot_name, k.item_code, coalesce(b.on_hand, 0) as on_hand, coalesce(b.reserved, 0) as reserved, m.minimum
    from (select depot_id, item_code from stock_balances union select depot_id, item_code from stock_minimums) k
    join depots d on d.id = k.depot_id
    left join stock_balances b on b.depot_id = k.depot_id and b.item_code = k.item_code
    left join stock_minimums m on m.depot_id = k.depot_id and m.item_code = k.item_code
    where (${filter.depotId ?? null}::uuid is null or k.depot_id = ${filter.depotId ?? null}::uuid)
      and (${filter.itemCode ?? null}::text is null or k.item_code = ${filter.itemCode ?? null}::text)
    order by d.name, d.id, k.item_code`.execute(db);
  return res.rows.map((r) => ({
    depotId: r.depot_id, depotName: r.depot_name, itemCode: r.item_code, onHand: r.on_hand, reserved: r.reserved,
    available: r.on_hand - r.reserved, minimum: r.minimum,
  }));
}

export async function upsertMinimum(db: Db, depotId: string, itemCode: string, minimum: number, at: Date): Promise<void> {
  await db.insertInto('stock_minimums').values({ depot_id: depotId, item_code: itemCode, minimum, updated_at: at })
    .onConflict((oc) => oc.columns(['depot_id', 'item_code']).doUpdateSet({ minimum, updated_at: at })).execute();
}

export interface LedgerRow {
  id: string;
  at: Date;
  depotId: string;
  itemCode: string;
  lotId: string | null;
  movement: Movement;
  onHandDelta: number;
  reservedDelta: number;
  roundId: string | null;
  stopId: string | null;
  transferId: string | null;
  reason: string | null;
  actor: string;
}

export interface LedgerFilter {
  depotId?: string | undefined;
  itemCode?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  afterId?: string | undefined;
  limit: number;
}

export async function listLedger(db: Db, f: LedgerFilter): Promise<LedgerRow[]> {
  let q = db.selectFrom('stock_ledger').selectAll().orderBy('id').limit(f.limit);
  if (f.depotId) q = q.where('depot_id', '=', f.depotId);
  if (f.itemCode) q = q.where('item_code', '=', f.itemCode);
  if (f.from) q = q.where('at', '>=', f.from);
  if (f.to) q = q.where('at', '<', f.to);
  if (f.afterId) q = q.where('id', '>', f.afterId);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: String(r.id), at: new Date(r.at), depotId: r.depot_id, itemCode: r.item_code, lotId: r.lot_id, movement: r.movement,
    onHandDelta: r.on_hand_delta, reservedDelta: r.reserved_delta, roundId: r.round_id, stopId: r.stop_id === null ? null : String(r.stop_id),
    transferId: r.transfer_id, reason: r.reason, actor: r.actor,
  }));
}

export interface ExpiringLot {
  depotId: string;
  itemCode: string;
  lotId: string;
  expiresOn: string;
  quantity: number;
}

/** Lots holding stock that expire on or before `until` (YYYY-MM-DD), soonest first. */
export async function lotsExpiringBy(db: Db, until: string): Promise<ExpiringLot[]> {
  const res = await sql<{ depot_id: string; item_code: string; lot_id: string; expires_on: string; quantity: string }>`
    select l.depot_id, l.item_code, l.id as lot_id, to_char(l.expires_on, 'YYYY-MM-DD') as expires_on, sum(g.on_hand_delta) as quantity
    from stock_lots l join stock_ledger g on g.lot_id = l.id
    where l.expires_on is not null and l.expires_on <= ${until}::date
    group by l.id having sum(g.on_hand_delta) > 0
    order by l.expires_on, l.depot_id, l.item_code, l.id`.execute(db);
  return res.rows.map((r) => ({ depotId: r.depot_id, itemCode: r.item_code, lotId: r.lot_id, expiresOn: r.expires_on, quantity: Number(r.quantity) }));
}

export interface HeldLine {
  depotId: string;
  itemCode: string;
  stopId: string | null;
  held: number;
}

/** Units a round still holds reserved, per depot, item and stop (reservations less releases and deductions). */
export async function heldByRound(db: Db, roundId: string, stopIds?: readonly string[]): Promise<HeldLine[]> {
  const res = await sql<{ depot_id: string; item_code: string; stop_id: string | null; held: string }>`
    select depot_id, item_code, stop_id::text as stop_id, sum(reserved_delta) as held from stock_ledger
    where round_id = ${roundId} ${stopIds ? sql`and stop_id in (${sql.join(stopIds.length ? stopIds : ['-1'])})` : sql``}
    group by depot_id, item_code, stop_id having sum(reserved_delta) <> 0
    order by depot_id, item_code, stop_id`.execute(db);
  return res.rows.map((r) => ({ depotId: r.depot_id, itemCode: r.item_code, stopId: r.stop_id, held: Number(r.held) }));
}

export async function roundHasReservations(db: Db, roundId: string): Promise<boolean> {
  const row = await db.selectFrom('stock_ledger').select('id').where('round_id', '=', roundId).where('movement', '=', 'reservation').limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Balances that differ from the sum of their ledger rows: always empty unless something bypassed the ledger. */
export async function ledgerMismatches(db: Db): Promise<{ depotId: string; itemCode: string; onHand: number; reserved: number; ledgerOnHand: number; ledgerReserved: number }[]> {
  const res = await sql<{ depot_id: string; item_code: string; on_hand: number; reserved: number; l_on_hand: string; l_reserved: string }>`
    select b.depot_id, b.item_code, b.on_hand, b.reserved, coalesce(s.on_hand, 0) as l_on_hand, coalesce(s.reserved, 0) as l_reserved
    from stock_balances b left join (
      select depot_id, item_code, sum(on_hand_delta) as on_hand, sum(reserved_delta) as reserved from stock_ledger group by depot_id, item_code
    ) s on s.depot_id = b.depot_id and s.item_code = b.item_code
    where b.on_hand <> coalesce(s.on_hand, 0) or b.reserved <> coalesce(s.reserved, 0)`.execute(db);
  return res.rows.map((r) => ({ depotId: r.depot_id, itemCode: r.item_code, onHand: r.on_hand, reserved: r.reserved, ledgerOnHand: Number(r.l_on_hand), ledgerReserved: Number(r.l_reserved) }));
}
