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
import type { AllocationGroup, AllocationOptions, AllocationResult, GroupNeed, PriorityClass } from './allocation.types';

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
  const units = new Units(input.stock, lp.lines);
  const out = new Map<string, NeedAllocation>();
  for (const priority of [0, 1, 2, 3, 4] as const) {
    const turns = takingTurns(stockNeeds.filter((n) => n.priority === priority));
    for (const need of turns) out.set(need.id, serve(need, units));
    // What this class's needs did not use of their shares is spare: first for the class's own needs
    // still unserved (until no more of them can be), then for the next class.
    units.releaseShares(priority);
    for (let waiting = turns.filter((n) => !out.get(n.id)?.served), again = waiting.length > 0; again; waiting = waiting.filter((n) => !out.get(n.id)?.served)) {
      again = false;
      for (const need of waiting) {
        const a = serve(need, units);
        out.set(need.id, a);
        again ||= a.served;
      }
    }
  }
  const needs = input.needs.map((n) => out.get(n.id) ?? { needId: n.id, served: true as const, lines: [], leftOut: [] });
  return { needs, lines: linesOf(stockNeeds, out, lp), lp };
}

/**
 * The units of each item by where they sit: a (community, item, class) share of the LP, or spare
 * (nobody's share), each a numbered slot. A district asks where a component may draw from about a
 * million times (137,000 needs of 6-8 components): the lists of slots are worked out once per
 * community, class and item, not as strings per component (issue #21: seconds of a round's preparation).
 */
class Units {
  readonly quantity: number[] = [];
  private readonly spareSlot = new Map<string, number>();
  /** `${community}|${class}` > item > its share's slot. */
  private readonly shareSlot = new Map<string, Map<string, number>>();
  /** Per class, its shares' slots with their item's spare slot. */
  private readonly sharesOfClass: { share: number; spare: number }[][] = [[], [], [], [], []];
  /** Per item, its shares' slots with their class, least urgent class first: what a more urgent need may still draw on. */
  private readonly sharesOfItem = new Map<string, { slot: number; priority: number }[]>();
  private readonly lessUrgent = new Map<string, readonly number[]>();
  private readonly sourceCache = new Map<string, { own: Map<string, Sources>; substitute: Map<string, Sources> }>();
  /** Kits by identity: a district's needs share a few dozen component arrays. */
  private readonly kitIds = new Map<readonly NeedComponent[], number>();
  /** What served needs were given, by kit and by what each component got: needs given alike share one. */
  private readonly givenAlike = new Map<string, Given>();

  constructor(stock: Readonly<Record<string, number>>, lines: AllocationResult['lines']) {
    for (const [item, q] of Object.entries(stock)) this.quantity[this.spare(item)] = Math.max(0, Math.floor(q));
    const shares = lines.map((l) => {
      const slot = this.quantity.push(l.allocated) - 1;
      const spare = this.spare(l.itemId);
      this.quantity[spare]! -= l.allocated;
      const key = `${l.groupId}|${l.priority}`;
      if (!this.shareSlot.has(key)) this.shareSlot.set(key, new Map());
      this.shareSlot.get(key)!.set(l.itemId, slot);
      this.sharesOfClass[l.priority]!.push({ share: slot, spare });
      return { item: l.itemId, slot, priority: l.priority };
    });
    // A stable sort: within a class, the LP's order.
    for (const { item, slot, priority } of shares.sort((a, b) => b.priority - a.priority)) {
      if (!this.sharesOfItem.has(item)) this.sharesOfItem.set(item, []);
      this.sharesOfItem.get(item)!.push({ slot, priority });
    }
  }

  private spare(item: string): number {
    let slot = this.spareSlot.get(item);
    if (slot === undefined) this.spareSlot.set(item, (slot = this.quantity.push(0) - 1));
    return slot;
  }

  /** The shares of an item held by classes less urgent than `priority`. */
  private lessUrgentThan(item: string, priority: number): readonly number[] {
    const k = `${item}|${priority}`;
    let slots = this.lessUrgent.get(k);
    if (!slots) this.lessUrgent.set(k, (slots = (this.sharesOfItem.get(item) ?? []).filter((s) => s.priority > priority).map((s) => s.slot)));
    return slots;
  }

  /**
   * Where a need's units of `item` may come from, in order: its community's share, spare, then the
   * shares of less urgent classes (`own`); spare, then less urgent shares (a substitute).
   */
  sources(need: NeedToAllocate): (item: string, own: boolean) => Sources {
    const key = `${need.group}|${need.priority}`;
    let cached = this.sourceCache.get(key);
    if (!cached) this.sourceCache.set(key, (cached = { own: new Map(), substitute: new Map() }));
    const { own: owns, substitute: substitutes } = cached;
    const shares = this.shareSlot.get(key);
    return (item, own) => {
      const known = own ? owns : substitutes;
      let s = known.get(item);
      if (!s) {
        const share = own ? shares?.get(item) : undefined;
        known.set(item, (s = [share === undefined ? [this.spare(item)] : [share, this.spare(item)], this.lessUrgentThan(item, need.priority)]));
      }
      return s;
    };
  }

  /**
   * The lines and left-out components of a need served with `parts` (its kit's components, in order).
   * Needs given alike get the same arrays, not copies: 137,000 needs of a few dozen outcomes were a
   * million small objects kept to the end, and a fifth of the allocation's time went to collecting them.
   */
  given(kit: readonly NeedComponent[], parts: readonly Part[]): Given {
    let kitId = this.kitIds.get(kit);
    if (kitId === undefined) this.kitIds.set(kit, (kitId = this.kitIds.size));
    // The kit fixes every item name: what each component got, by place, says the rest.
    let key = `${kitId}`;
    for (const p of parts) {
      if (p.out) key += '|-';
      else {
        key += `|${p.own}`;
        for (const s of p.subs) key += `,${p.c.substitutes.indexOf(s.item)}*${s.quantity}`;
      }
    }
    let given = this.givenAlike.get(key);
    if (!given) {
      const kept = parts.filter((p) => !p.out);
      const lines = kept.flatMap((p) => [...(p.own > 0 ? [{ item: p.c.item, quantity: p.own }] : []), ...p.subs]);
      given = { lines: merge(lines), leftOut: parts.filter((p) => p.out).map((p) => ({ item: p.c.item, quantity: p.c.quantity })) };
      this.givenAlike.set(key, given);
    }
    return given;
  }

  /** A class is served: what its shares still hold becomes spare. */
  releaseShares(priority: number): void {
    for (const { share, spare } of this.sharesOfClass[priority]!) {
      this.quantity[spare]! += this.quantity[share]!;
      this.quantity[share] = 0;
    }
  }
}

/** Where units of an item may come from, in order: lists of slots, taken first to last. */
type Sources = readonly (readonly number[])[];

/** Units taken from a slot, given back if the need is not served after all. */
interface Take { slot: number; quantity: number }

/** One component of a need being served: what it drew of its own item and of substitutes, or left out. */
interface Part { c: NeedComponent; takes: Take[]; own: number; subs: GrantedLine[]; out: boolean }

/** What a served need gets (shared by needs given alike: never changed in place). */
type Given = Pick<Extract<NeedAllocation, { served: true }>, 'lines' | 'leftOut'>;

/**
 * One need, all or nothing (see the module comment): each component's own item from `sources(item,
 * true)` (its community's share, spare, then the shares of less urgent classes), then substitutes from
 * `sources(substitute, false)` for the required components, then for the optional ones: a substitute
 * never takes what another component needed of its own item. Changes `units` only for what it keeps.
 */
function serve(need: NeedToAllocate, units: Units): NeedAllocation {
  const q = units.quantity;
  const sources = units.sources(need);
  const draw = (lists: Sources, want: number, into: Take[]): number => {
    let got = 0;
    for (const slots of lists) {
      for (const slot of slots) {
        const take = Math.min(want - got, q[slot]!);
        if (take <= 0) continue;
        q[slot]! -= take;
        into.push({ slot, quantity: take });
        got += take;
        if (got === want) return got;
      }
    }
    return got;
  };
  const giveBack = (takes: readonly Take[]): void => {
    for (const t of takes) q[t.slot]! += t.quantity;
  };
  const parts = need.components.map((c): Part => {
    const takes: Take[] = [];
    return { c, takes, own: draw(sources(c.item, true), c.quantity, takes), subs: [], out: false };
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
  return { needId: need.id, served: true, ...units.given(need.components, parts) };
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

/** Needs of one class with communities taking turns (each community's first need, then each one's second...), communities by id. */
function takingTurns(needs: readonly NeedToAllocate[]): NeedToAllocate[] {
  const byGroup = new Map<string, NeedToAllocate[]>();
  for (const n of needs) {
    const list = byGroup.get(n.group);
    if (list) list.push(n);
    else byGroup.set(n.group, [n]);
  }
  const lists = [...byGroup].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, list]) => list);
  const out: NeedToAllocate[] = [];
  for (let turn = 0; out.length < needs.length; turn++) {
    for (const list of lists) if (turn < list.length) out.push(list[turn]!);
  }
  return out;
}

function itemsOf(input: RoundAllocationInput, needs: readonly NeedToAllocate[]): { id: string; stock: number }[] {
  const ids = new Set<string>();
  for (const kit of new Set(needs.map((n) => n.components))) for (const c of kit) ids.add(c.item);
  return [...ids].sort().map((id) => ({ id, stock: Math.max(0, Math.floor(input.stock[id] ?? 0)) }));
}

/**
 * The LP's groups: per community, its needs' units by item and class, in order of first appearance
 * (as the LP's own normalisation would sum them: one line each, not a million).
 */
function groupsOf(needs: readonly NeedToAllocate[]): AllocationGroup[] {
  const groups = new Map<string, { group: AllocationGroup & { households: number }; lines: Map<string, GroupNeed>[] }>();
  for (const n of needs) {
    let g = groups.get(n.group);
    if (!g) groups.set(n.group, (g = { group: { id: n.group, households: 0, needs: [] }, lines: [new Map(), new Map(), new Map(), new Map(), new Map()] }));
    g.group.households++;
    const byItem = g.lines[n.priority]!;
    for (const c of n.components) {
      // Refused as the LP's normalisation refuses a line's: summed first, a bad one could hide.
      if (!Number.isFinite(c.quantity) || c.quantity < 0) throw new RangeError(`need ${n.id} of ${n.group} for ${c.item} must be a finite number >= 0, got ${c.quantity}`);
      const line = byItem.get(c.item);
      if (line) line.quantity += Math.floor(c.quantity);
      else {
        const added = { itemId: c.item, priority: n.priority, quantity: Math.floor(c.quantity) };
        byItem.set(c.item, added);
        g.group.needs.push(added);
      }
    }
  }
  return [...groups.values()].map((g) => g.group);
}

function linesOf(needs: readonly NeedToAllocate[], out: ReadonlyMap<string, NeedAllocation>, lp: AllocationResult): AllocationLineView[] {
  // Community > item > line (a million lookups: no key strings built for them).
  const lines = new Map<string, Map<string, AllocationLineView>>();
  const line = (communityId: string, itemId: string): AllocationLineView => {
    let ofCommunity = lines.get(communityId);
    if (!ofCommunity) lines.set(communityId, (ofCommunity = new Map()));
    let l = ofCommunity.get(itemId);
    if (!l) ofCommunity.set(itemId, (l = { communityId, itemId, demand: 0, allocated: 0, substituted: 0, leftOut: 0, short: 0, reasons: [] }));
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
    const l = lines.get(e.groupId)?.get(e.itemId);
    if (l) l.reasons = [...new Set(e.reasons.map((r) => r.code))];
  }
  return [...lines.values()].flatMap((m) => [...m.values()]).sort((a, b) => (a.communityId < b.communityId ? -1 : a.communityId > b.communityId ? 1 : a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0));
}
