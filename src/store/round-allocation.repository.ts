/**
 * What a round's allocation reads and writes: its needs as allocation sees them (kind, urgency, the
 * household's size and flags, and the details of stock kinds only: medicine details are never read),
 * the stock free at the round's depots less what other rounds being planned hold, and the allocation's
 * outcome (items per need, unserved needs with what they lacked, the explanation, the holds).
 */
import { sql } from 'kysely';
import type { Urgency } from '../domain/kinds';
import { STOCK_KINDS, type NeedKind } from '../domain/need-kinds';
import type { NeedItems, StockShortDetail } from '../domain/round-plan';
import type { Db } from './db';

export interface NeedForAllocation {
  id: string;
  kind: NeedKind;
  urgency: Urgency;
  communityId: string;
  /** Details of stock kinds; null for the others. */
  details: Record<string, unknown> | null;
  members: number;
  elderlyAlone: boolean;
  cannotCook: boolean;
  chronicIllness: boolean;
}

const STOCK_KIND_LIST = STOCK_KINDS.map((k) => k.kind);

/**
 * A claimed need's columns as allocation reads them (`n` the need, `h` its household, left-joined),
 * read with the claim itself (round.repository): a district's round read its 137,000 needs again
 * for this (issue #21).
 */
export const ALLOCATION_COLUMNS = sql`n.kind, n.urgency, n.created_at,
  case when n.kind in (${sql.join(STOCK_KIND_LIST)}) then n.details else null end as details,
  h.members, h.elderly_alone, h.cannot_cook, h.chronic_illness`;

/** A need with ALLOCATION_COLUMNS; the household's are null for a need of no household. */
export interface AllocationRow {
  id: string; community_id: string; kind: NeedKind; urgency: Urgency; created_at: Date; details: Record<string, unknown> | null;
  members: number | null; elderly_alone: boolean | null; cannot_cook: boolean | null; chronic_illness: boolean | null;
}

/** The needs as allocation takes them, oldest first (within a class and community, the older need is served first); a need of no household is not allocated. */
export function needsForAllocation(rows: readonly AllocationRow[]): NeedForAllocation[] {
  return rows.flatMap((r) => (r.members === null ? [] : [{
    id: r.id, kind: r.kind, urgency: r.urgency, communityId: r.community_id, details: r.details, members: r.members,
    elderlyAlone: r.elderly_alone === true, cannotCook: r.cannot_cook === true, chronicIllness: r.chronic_illness === true, createdAt: r.created_at.getTime(),
  }])).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(({ createdAt: _, ...n }) => n);
}

export interface DepotStock { depotId: string; depotName: string; itemCode: string; available: number }

/** Units on hand and not reserved, per depot and item, at these depots. */
export async function freeStockAt(db: Db, depotIds: readonly string[]): Promise<DepotStock[]> {
  if (depotIds.length === 0) return [];
  const res = await sql<{ depot_id: string; depot_name: string; item_code: string; available: number }>`
    select b.depot_id, d.name as depot_name, b.item_code, b.on_hand - b.reserved as available
    from stock_balances b join depots d on d.id = b.depot_id
    where b.depot_id in (${sql.join(depotIds)}) and b.on_hand > b.reserved
    order by d.name, b.depot_id, b.item_code`.execute(db);
  return res.rows.map((r) => ({ depotId: r.depot_id, depotName: r.depot_name, itemCode: r.item_code, available: Number(r.available) }));
}

/** Names of these depots (for reasons a dispatcher reads). */
export async function depotNames(db: Db, depotIds: readonly string[]): Promise<Map<string, string>> {
  if (depotIds.length === 0) return new Map();
  const rows = await db.selectFrom('depots').select(['id', 'name']).where('id', 'in', [...depotIds]).orderBy('name').execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Units other rounds being planned hold (allocated, plan not stored yet), per item. */
export async function heldByOtherRounds(db: Db, roundId: string): Promise<Map<string, number>> {
  const rows = await db.selectFrom('round_stock_holds').select(['item_code', (eb) => eb.fn.sum<string>('quantity').as('q')])
    .where('round_id', '<>', roundId).groupBy('item_code').execute();
  return new Map(rows.map((r) => [r.item_code, Number(r.q)]));
}

/** A round's holds, replaced (a re-plan allocates again). */
export async function replaceHolds(trx: Db, roundId: string, holds: ReadonlyMap<string, number>): Promise<void> {
  await clearHolds(trx, roundId);
  const rows = [...holds].filter(([, q]) => q > 0).map(([item_code, quantity]) => ({ round_id: roundId, item_code, quantity }));
  if (rows.length) await trx.insertInto('round_stock_holds').values(rows).execute();
}

/** The plan is stored and reserved (or the round failed): its holds go. */
export async function clearHolds(trx: Db, roundId: string): Promise<void> {
  await trx.deleteFrom('round_stock_holds').where('round_id', '=', roundId).execute();
}

/** What the allocation gave each routed need (null: not depot stock). */
export async function setNeedItems(trx: Db, roundId: string, items: readonly { needId: string; items: unknown }[]): Promise<void> {
  if (items.length === 0) return;
  // One statement, the rows as one JSON document: VALUES lists of 2,000 rows took 0.6-1.7 s each, 69
  // of them for a district's 137,000 needs; a jsonb[] array parameter then held the event loop 2 s
  // in the driver's escaping, a fifth of that as one JSON.stringify (issue #21).
  await sql`update round_needs rn set items = v.items
    from (select (e->>'n')::uuid as need_id, e->'i' as items
      from jsonb_array_elements(${JSON.stringify(items.map((x) => ({ n: x.needId, i: x.items })))}::jsonb) as e) as v
    where rn.round_id = ${roundId} and rn.need_id = v.need_id`.execute(trx);
}

/** Needs the allocation could not serve: unserved with the reason and what they lacked. */
export async function addUnservedWithDetail(trx: Db, roundId: string, rows: readonly { needId: string; reason: string; detail: unknown }[]): Promise<void> {
  if (rows.length === 0) return;
  // One statement, the rows as one JSON document (as setNeedItems): a district's 27,000 stock-short
  // needs were 14 VALUES statements of 8,000 parameters, 2.8-3.7 s of a round's preparation (issue #21).
  await sql`insert into round_unserved (round_id, need_id, reason, detail)
    select ${roundId}::uuid, (e->>'n')::uuid, e->>'r', nullif(e->'d', 'null'::jsonb)
    from jsonb_array_elements(${JSON.stringify([...new Map(rows.map((r) => [r.needId, { n: r.needId, r: r.reason, d: r.detail ?? null }])).values()])}::jsonb) as e
    on conflict (round_id, need_id) do update set reason = excluded.reason, detail = excluded.detail`.execute(trx);
}

export async function setRoundAllocation(trx: Db, roundId: string, allocation: unknown): Promise<void> {
  await trx.updateTable('rounds').set({ allocation: JSON.stringify(allocation) }).where('id', '=', roundId).execute();
}

/** Sub-problem id of needs the allocation left unserved: linked to the round (a re-plan sees them), routed by no sub-problem. */
export const UNALLOCATED = 'unallocated';

export async function linkUnallocated(trx: Db, roundId: string, needIds: readonly string[]): Promise<void> {
  if (needIds.length === 0) return;
  await sql`insert into round_needs (round_id, need_id, subproblem_id)
    select ${roundId}::uuid, n.id, ${UNALLOCATED} from unnest(${[...new Set(needIds)]}::uuid[]) as n(id)
    on conflict (round_id, need_id) do update set subproblem_id = ${UNALLOCATED}, items = null`.execute(trx);
}

/** What each stock-short need of the round lacked (round_unserved.detail). */
export async function unservedDetails(db: Db, roundId: string): Promise<Map<string, StockShortDetail>> {
  const rows = await db.selectFrom('round_unserved').select(['need_id', 'detail']).where('round_id', '=', roundId).where('detail', 'is not', null).execute();
  return new Map(rows.map((r) => [r.need_id, r.detail as StockShortDetail]));
}

/** Community and item names for the allocation's explanation. */
export async function allocationNames(db: Db, communityIds: readonly string[], itemCodes: readonly string[]): Promise<{ communities: Map<string, string>; items: Map<string, string> }> {
  const communities = communityIds.length ? await db.selectFrom('areas').select(['id', 'name']).where('id', 'in', [...communityIds]).execute() : [];
  const items = itemCodes.length ? await db.selectFrom('items').select(['code', 'name']).where('code', 'in', [...itemCodes]).execute() : [];
  return { communities: new Map(communities.map((c) => [c.id, c.name])), items: new Map(items.map((i) => [i.code, i.name])) };
}

/** Needs of the round whose items differ from their kit: a substitute, or an optional component left out. */
export async function changedNeedItems(db: Db, roundId: string): Promise<Map<string, NeedItems>> {
  const rows = await sql<{ need_id: string; items: NeedItems }>`
    select need_id, items from round_needs
    where round_id = ${roundId} and items is not null
      and (jsonb_array_length(items->'leftOut') > 0 or jsonb_path_exists(items, '$.lines[*] ? (exists(@.for))'))
    order by need_id`.execute(db);
  return new Map(rows.rows.map((r) => [r.need_id, r.items]));
}
