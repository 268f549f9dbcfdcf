/**
 * A round's allocation, before any routing: which of its needs the stock serves, and with what.
 *
 *  1. The community LP (allocate.ts) shares every item's units among communities and priority classes
 *     (classes lexicographically, a fairness floor within each), on the needs' kit components.
 *  2. Whole needs, class by class, communities taking turns: a need takes each component from its
 *     community's share, then from the units nobody's share holds (spare), then from the shares of
 *     less urgent classes; a component short of all three takes its substitutes from spare and from
 *     less urgent shares, unit for unit, in the catalogue's order; an optional one short
 *     of everything is left out; any other short component leaves the need unserved, naming the items,
 *     and gives back what it took. What a class's needs leave of their shares becomes spare, first for
 *     the class's needs still unserved, then for the next class: a later class never takes what would
 *     have served an earlier one.
 *
 * Needs without components (medicine packed per household, passes) are not depot stock: always served.
 * Per need, never per stop: one short vegetable holds back nothing but the packages that lack it.
 */
import { allocateStock } from './allocate';
import type { AllocationGroup, AllocationOptions, AllocationResult, PriorityClass } from './allocation.types';

export interface NeedComponent {
  item: string;
  quantity: number;
  /** Items that may stand in, unit for unit, in order of preference. */
  substitutes: readonly string[];
  /** May be left out when it is short and no substitute is there. */
  optional: boolean;
}

export interface NeedToAllocate {
  id: string;
  /** The community (the LP's group). */
  group: string;
  priority: PriorityClass;
  /** Empty: not depot stock. */
  components: readonly NeedComponent[];
}

export interface RoundAllocationInput {
  /** Within a class and community, earlier needs are served first. */
  needs: readonly NeedToAllocate[];
  /** Units available per item (over the depots the round may use). */
  stock: Readonly<Record<string, number>>;
}

/** What a served need gets: `for` names the component a substitute stands in for. */
export interface GrantedLine { item: string; quantity: number; for?: string }

export type NeedAllocation =
  | { needId: string; served: true; lines: GrantedLine[]; leftOut: { item: string; quantity: number }[] }
  | { needId: string; served: false; short: { item: string; needed: number; available: number }[] };

/** Per community and item, what the proposal shows next to the unserved list. */
export interface AllocationLineView {
  communityId: string;
  itemId: string;
  /** Units the community's needs asked for. */
  demand: number;
  /** Units of the item itself given to served needs. */
  allocated: number;
  /** Units covered by substitutes. */
  substituted: number;
  /** Units of optional components not given. */
  leftOut: number;
  /** Units asked by needs left unserved (for this item or another one of theirs). */
  short: number;
  /** Why anything was cut (the LP's explanation: stock-short, lower-priority-cut-first, fairness-floor...). */
  reasons: string[];
}

export interface RoundAllocation {
  needs: NeedAllocation[];
  lines: AllocationLineView[];
  /** The community LP's own answer (method, per-class stages, explanations). */
  lp: AllocationResult;
}

export function allocateRound(input: RoundAllocationInput, opts: AllocationOptions): RoundAllocation {
  const stockNeeds = input.needs.filter((n) => n.components.length > 0);
  const lp = allocateStock({ items: itemsOf(input, stockNeeds), groups: groupsOf(stockNeeds) }, opts);
  // Units by where they sit: a (community, item, class) share of the LP, or spare (nobody's share).
  const units = new Map<string, number>(lp.lines.map((l) => [shareKey(l.groupId, l.itemId, l.priority), l.allocated]));
  for (const [item, q] of Object.entries(input.stock)) units.set(spareKey(item), Math.max(0, Math.floor(q)));
  for (const l of lp.lines) units.set(spareKey(l.itemId), (units.get(spareKey(l.itemId)) ?? 0) - l.allocated);
  // Shares of each item, least urgent class first: what a more urgent need may still draw on.
  const sharesOf = new Map<string, { key: string; priority: number }[]>();
  for (const l of [...lp.lines].sort((a, b) => b.priority - a.priority)) {
    sharesOf.set(l.itemId, [...(sharesOf.get(l.itemId) ?? []), { key: shareKey(l.groupId, l.itemId, l.priority), priority: l.priority }]);
  }
  // The shares of an item held by classes less urgent than a priority, worked out once: a district
  // asks for them about a million times (137,000 needs of 8 components), each share list holding a
  // line per community and class.
  const lessUrgent = new Map<string, string[]>();
  const lessUrgentThan = (item: string, priority: number): string[] => {
    const k = `${item}|${priority}`;
    let keys = lessUrgent.get(k);
    if (!keys) lessUrgent.set(k, (keys = (sharesOf.get(item) ?? []).filter((s) => s.priority > priority).map((s) => s.key)));
    return keys;
  };
  const sources = (need: NeedToAllocate) => (item: string, own: boolean): Sources => [
    own ? [shareKey(need.group, item, need.priority), spareKey(item)] : [spareKey(item)],
    lessUrgentThan(item, need.priority),
  ];

  const out = new Map<string, NeedAllocation>();
  for (const priority of [0, 1, 2, 3, 4] as const) {
    const turns = takingTurns(stockNeeds.filter((n) => n.priority === priority));
    for (const need of turns) out.set(need.id, serve(need, sources(need), units));
    // What this class's needs did not use of their shares is spare: first for the class's own needs
    // still unserved (until no more of them can be), then for the next class.
    for (const l of lp.lines) {
      if (l.priority !== priority) continue;
      const k = shareKey(l.groupId, l.itemId, priority);
      units.set(spareKey(l.itemId), (units.get(spareKey(l.itemId)) ?? 0) + (units.get(k) ?? 0));
      units.set(k, 0);
    }
    for (let waiting = turns.filter((n) => !out.get(n.id)?.served), again = waiting.length > 0; again; waiting = waiting.filter((n) => !out.get(n.id)?.served)) {
      again = false;
      for (const need of waiting) {
        const a = serve(need, sources(need), units);
        out.set(need.id, a);
        again ||= a.served;
      }
    }
  }
  const needs = input.needs.map((n) => out.get(n.id) ?? { needId: n.id, served: true as const, lines: [], leftOut: [] });
  return { needs, lines: linesOf(stockNeeds, out, lp), lp };
}

const shareKey = (group: string, item: string, priority: number): string => `${group}|${item}|${priority}`;
/** Where units of an item may come from, in order: lists of `units` keys, taken first to last. */
type Sources = readonly (readonly string[])[];
const spareKey = (item: string): string => `spare|${item}`;

/**
 * One need, all or nothing (see the module comment): each component's own item from `sources(item,
 * true)` (its community's share, spare, then the shares of less urgent classes), then substitutes from
 * `sources(substitute, false)` for the required components, then for the optional ones: a substitute
 * never takes what another component needed of its own item. Mutates `units` only for what it keeps.
 */
function serve(need: NeedToAllocate, sources: (item: string, own: boolean) => Sources, units: Map<string, number>): NeedAllocation {
  type Take = { key: string; quantity: number };
  const draw = (lists: Sources, want: number, into: Take[]): number => {
    let got = 0;
    for (const keys of lists) {
      for (const k of keys) {
        const q = Math.min(want - got, units.get(k) ?? 0);
        if (q <= 0) continue;
        units.set(k, (units.get(k) ?? 0) - q);
        into.push({ key: k, quantity: q });
        got += q;
        if (got === want) return got;
      }
    }
    return got;
  };
  const giveBack = (takes: readonly Take[]): void => {
    for (const t of takes) units.set(t.key, (units.get(t.key) ?? 0) + t.quantity);
  };
  const parts = need.components.map((c) => {
    const takes: Take[] = [];
    return { c, takes, own: draw(sources(c.item, true), c.quantity, takes), subs: [] as GrantedLine[], out: false };
  });
  const short: { item: string; needed: number; available: number }[] = [];
  for (const optional of [false, true]) {
    for (const p of parts) {
      if (p.c.optional !== optional) continue;
      let left = p.c.quantity - p.own;
      for (const s of p.c.substitutes) {
        if (left === 0) break;
        const q = draw(sources(s, false), left, p.takes);
        if (q > 0) p.subs.push({ item: s, quantity: q, for: p.c.item });
        left -= q;
      }
      if (left === 0) continue;
      if (optional) {
        giveBack(p.takes);
        p.out = true;
      } else {
        short.push({ item: p.c.item, needed: p.c.quantity, available: p.c.quantity - left });
      }
    }
  }
  if (short.length) {
    for (const p of parts) if (!p.out) giveBack(p.takes);
    return { needId: need.id, served: false, short };
  }
  const kept = parts.filter((p) => !p.out);
  const lines = kept.flatMap((p) => [...(p.own > 0 ? [{ item: p.c.item, quantity: p.own }] : []), ...p.subs]);
  return { needId: need.id, served: true, lines: merge(lines), leftOut: parts.filter((p) => p.out).map((p) => ({ item: p.c.item, quantity: p.c.quantity })) };
}

/** Same item for the same component, one line. */
function merge(lines: GrantedLine[]): GrantedLine[] {
  const out: GrantedLine[] = [];
  for (const l of lines) {
    const same = out.find((o) => o.item === l.item && o.for === l.for);
    if (same) same.quantity += l.quantity;
    else out.push({ ...l });
  }
  return out;
}

/** Needs of one class with communities taking turns (each community's first need, then each one's second...). */
function takingTurns(needs: readonly NeedToAllocate[]): NeedToAllocate[] {
  const rank = new Map<string, number>();
  const order = needs.map((n, i) => {
    const r = rank.get(n.group) ?? 0;
    rank.set(n.group, r + 1);
    return { n, r, i };
  });
  return order.sort((a, b) => a.r - b.r || (a.n.group < b.n.group ? -1 : a.n.group > b.n.group ? 1 : a.i - b.i)).map((o) => o.n);
}

function itemsOf(input: RoundAllocationInput, needs: readonly NeedToAllocate[]): { id: string; stock: number }[] {
  const ids = new Set(needs.flatMap((n) => n.components.map((c) => c.item)));
  return [...ids].sort().map((id) => ({ id, stock: Math.max(0, Math.floor(input.stock[id] ?? 0)) }));
}

function groupsOf(needs: readonly NeedToAllocate[]): AllocationGroup[] {
  const groups = new Map<string, AllocationGroup & { households: number }>();
  for (const n of needs) {
    const g = groups.get(n.group) ?? { id: n.group, households: 0, needs: [] };
    g.households++;
    for (const c of n.components) g.needs.push({ itemId: c.item, priority: n.priority, quantity: c.quantity });
    groups.set(n.group, g);
  }
  return [...groups.values()];
}

function linesOf(needs: readonly NeedToAllocate[], out: ReadonlyMap<string, NeedAllocation>, lp: AllocationResult): AllocationLineView[] {
  const lines = new Map<string, AllocationLineView>();
  const line = (communityId: string, itemId: string): AllocationLineView => {
    const k = `${communityId}|${itemId}`;
    let l = lines.get(k);
    if (!l) lines.set(k, (l = { communityId, itemId, demand: 0, allocated: 0, substituted: 0, leftOut: 0, short: 0, reasons: [] }));
    return l;
  };
  for (const n of needs) {
    const a = out.get(n.id);
    for (const c of n.components) {
      const l = line(n.group, c.item);
      l.demand += c.quantity;
      if (!a?.served) l.short += c.quantity;
    }
    if (!a?.served) continue;
    for (const g of a.lines) {
      if (g.for) line(n.group, g.for).substituted += g.quantity;
      else line(n.group, g.item).allocated += g.quantity;
    }
    for (const o of a.leftOut) line(n.group, o.item).leftOut += o.quantity;
  }
  for (const e of lp.explanations) {
    const l = lines.get(`${e.groupId}|${e.itemId}`);
    if (l) l.reasons = [...new Set(e.reasons.map((r) => r.code))];
  }
  return [...lines.values()].sort((a, b) => (a.communityId < b.communityId ? -1 : a.communityId > b.communityId ? 1 : a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0));
}
