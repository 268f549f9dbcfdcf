/**
 * Shortfalls feed the plan: a round's needs (or an area's needs waiting for the next round), expanded
 * into items, against the stock available per depot, through the planning allocation (LP per community,
 * whole units, explained). Returns what each community gets, what it is short, and why.
 */
import { z } from 'zod';
import { parseInput } from '../../domain/stock';
import { allocateStock } from '../../planning/allocation/allocate';
import type { AllocationExplanation, AllocationGroup, AllocationItem, AllocationResult } from '../../planning/allocation/allocation.types';
import { jsLpSolver } from '../../planning/lp/js-lp-solver.adapter';
import type { LpSolver } from '../../planning/lp/lp.model';
import { notFound } from '../../shared/errors';

import { loadCatalogue } from '../../store/item.repository';
import { listBalances } from '../../store/stock-read.repository';
import { areaExists, roundExists, roundNeedsOfKinds, unclaimedAreaNeedsOfKinds, type ShortfallNeed } from '../../store/stock-shortfall.repository';

import { expandNeeds } from './kit.service';
import { allocationClass, STOCK_KINDS } from '../../domain/need-kinds';
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

const STOCK_KIND_LIST = STOCK_KINDS.map((k) => k.kind);

export async function shortfallForRound(deps: ShortfallDeps, roundId: string): Promise<Shortfall> {
  parseInput(z.uuid(), roundId);
  if (!(await roundExists(deps.db, roundId))) throw notFound('round');
  return computeShortfall(deps, await roundNeedsOfKinds(deps.db, roundId, STOCK_KIND_LIST));
}

/** The next round of an area: its accepted needs (and those of every area below it) not yet claimed by a round. */
export async function shortfallForArea(deps: ShortfallDeps, areaId: string): Promise<Shortfall> {
  parseInput(z.uuid(), areaId);
  if (!(await areaExists(deps.db, areaId))) throw notFound('area');
  return computeShortfall(deps, await unclaimedAreaNeedsOfKinds(deps.db, areaId, STOCK_KIND_LIST));
}

export async function computeShortfall(deps: ShortfallDeps, needs: readonly ShortfallNeed[]): Promise<Shortfall> {
  const db = deps.db;
  const { items: perNeed, missing } = expandNeeds(await loadCatalogue(db), needs.map((n) => ({ id: n.id, kind: n.kind, details: n.details, members: n.members })));
  const groups = new Map<string, AllocationGroup & { households: number }>();
  for (const n of needs) {
    const items = perNeed.get(n.id);
    if (!items) continue;
    const g = groups.get(n.communityId) ?? { id: n.communityId, households: 0, needs: [] };
    g.households++;
    for (const [itemId, quantity] of items) g.needs.push({ itemId, priority: allocationClass(n.kind, n.urgency, n), quantity });
    groups.set(n.communityId, g);
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
