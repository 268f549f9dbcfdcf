/**
 * Shortfalls feed the plan: a round's needs (or an area's needs waiting for the next round), expanded
 * into items, against the stock available per depot, through the planning allocation (LP per community,
 * whole units, explained). Returns what each community gets, what it is short, and why.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import { parseInput } from '../../domain/stock';
import { allocateStock } from '../../planning/allocation/allocate';
import type { AllocationExplanation, AllocationGroup, AllocationItem, AllocationResult } from '../../planning/allocation/allocation.types';
import { jsLpSolver } from '../../planning/lp/js-lp-solver.adapter';
import type { LpSolver } from '../../planning/lp/lp.model';
import { notFound } from '../../shared/errors';

import { loadCatalogue } from '../../store/item.repository';
import { listBalances } from '../../store/stock-read.repository';

import { expandNeeds } from './kit.service';
import { priorityOf } from '../../planning/adapters/round-problem';
import { STOCK_KINDS, type NeedKind } from '../../domain/need-kinds';
import type { Urgency } from '../../domain/kinds';
import type { Db } from '../../store/db';

export interface ShortfallDeps {
  db: Db;
  /** Default: javascript-lp-solver (the allocation is small: communities x items). */
  solver?: LpSolver;
  /** Default 2,000 ms; past it the allocation's deterministic rule answers. */
  timeLimitMs?: number;
}

export interface ShortfallLine {
  communityId: string;
  itemCode: string;
  needed: number;
  allocated: number;
  short: number;
}

export interface Shortfall {
  /** Per community and item, only lines with need. */
  lines: ShortfallLine[];
  /** Per item: stock available (summed over depots), needed, allocated, short. */
  items: { itemCode: string; available: number; needed: number; allocated: number; short: number; byDepot: Record<string, number> }[];
  /** The allocation's own explanation per community and item (reasons for every cut). */
  explanations: AllocationExplanation[];
  method: AllocationResult['method'];
  /** Needs whose product is not in the catalogue: left out of the allocation. */
  untracked: { needId: string; code: string }[];
  needs: number;
}

interface NeedRow { id: string; kind: NeedKind; urgency: Urgency; community_id: string; details: Record<string, unknown>; members: number }

const STOCK_KIND_LIST = sql`(${sql.join(STOCK_KINDS.map((k) => k.kind))})`;

export async function shortfallForRound(deps: ShortfallDeps, roundId: string): Promise<Shortfall> {
  parseInput(z.uuid(), roundId);
  const round = await sql<{ id: string }>`select id from rounds where id = ${roundId}`.execute(deps.db);
  if (round.rows.length === 0) throw notFound('round');
  const needs = await sql<NeedRow>`
    select n.id, n.kind, n.urgency, n.community_id, n.details, h.members
    from round_needs rn join needs n on n.id = rn.need_id join households h on h.id = n.household_id
    where rn.round_id = ${roundId} and n.kind in ${STOCK_KIND_LIST} order by n.id`.execute(deps.db);
  return computeShortfall(deps, needs.rows);
}

/** The next round of an area: its accepted needs (and those of every area below it) not yet claimed by a round. */
export async function shortfallForArea(deps: ShortfallDeps, areaId: string): Promise<Shortfall> {
  parseInput(z.uuid(), areaId);
  const area = await sql<{ id: string }>`select id from areas where id = ${areaId}`.execute(deps.db);
  if (area.rows.length === 0) throw notFound('area');
  const needs = await sql<NeedRow>`
    with recursive sub as (select id from areas where id = ${areaId} union all select a.id from areas a join sub on a.parent_id = sub.id)
    select n.id, n.kind, n.urgency, n.community_id, n.details, h.members
    from needs n join households h on h.id = n.household_id
    where n.status = 'accepted' and n.kind in ${STOCK_KIND_LIST}
      and (n.community_id in (select id from sub) or n.corridor_id in (select id from sub))
      and not exists (select 1 from round_needs rn join rounds r on r.id = rn.round_id where rn.need_id = n.id and r.status in ('draft','planning','proposed','approved'))
    order by n.id`.execute(deps.db);
  return computeShortfall(deps, needs.rows);
}

export async function computeShortfall(deps: ShortfallDeps, needs: readonly NeedRow[]): Promise<Shortfall> {
  const db = deps.db;
  const { items: perNeed, missing } = expandNeeds(await loadCatalogue(db), needs.map((n) => ({ id: n.id, kind: n.kind, details: n.details, members: n.members })));
  const groups = new Map<string, AllocationGroup & { households: number }>();
  for (const n of needs) {
    const items = perNeed.get(n.id);
    if (!items) continue;
    const g = groups.get(n.community_id) ?? { id: n.community_id, households: 0, needs: [] };
    g.households++;
    for (const [itemId, quantity] of items) g.needs.push({ itemId, priority: priorityOf(n), quantity });
    groups.set(n.community_id, g);
  }
  const itemCodes = [...new Set([...groups.values()].flatMap((g) => g.needs.map((x) => x.itemId)))].sort();
  const byDepot = new Map<string, Record<string, number>>(itemCodes.map((c) => [c, {}]));
  for (const b of await listBalances(db)) {
    const stock = byDepot.get(b.itemCode);
    if (stock && b.available > 0) stock[b.depotId] = b.available;
  }
  const allocationItems: AllocationItem[] = itemCodes.map((id) => ({ id, stock: byDepot.get(id) ?? {} }));
  const result = allocateStock({ items: allocationItems, groups: [...groups.values()] }, {
    solver: deps.solver ?? jsLpSolver, timeLimitMs: deps.timeLimitMs ?? 2000, now: () => performance.now(),
  });
  const lines: ShortfallLine[] = result.explanations
    .map((e) => ({ communityId: e.groupId, itemCode: e.itemId, needed: e.needed, allocated: e.allocated, short: e.cut }))
    .sort((a, b) => a.communityId.localeCompare(b.communityId) || a.itemCode.localeCompare(b.itemCode));
  return {
    lines,
    items: result.items.map((s) => ({ itemCode: s.itemId, available: s.stock, needed: s.needed, allocated: s.allocated, short: s.needed - s.allocated, byDepot: byDepot.get(s.itemId) ?? {} })),
    explanations: result.explanations,
    method: result.method,
    untracked: missing,
    needs: needs.length,
  };
}
