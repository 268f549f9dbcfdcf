/**
 * Shares each group's allocation among its households: 150,000 households are too many for the LP, and
 * a rule a dispatcher can repeat by hand is easier to trust. Per (group, item, class), units go round
 * by round, one unit per household still short each round, in a fixed order: elderly living alone,
 * then chronic illness, then household id. Whole units only; nobody gets more than they asked for.
 */
import type { AllocationLine, PriorityClass } from './allocation.types';

export interface HouseholdNeedLine {
  itemId: string;
  priority: PriorityClass;
  quantity: number;
}

export interface AllocationHousehold {
  id: string;
  groupId: string;
  needs: HouseholdNeedLine[];
  elderlyAlone?: boolean;
  chronicIllness?: boolean;
}

export interface HouseholdAllocation {
  householdId: string;
  itemId: string;
  priority: PriorityClass;
  needed: number;
  allocated: number;
}

/** Group needs summed from the households (input for `allocateStock`). */
export function groupNeedsFromHouseholds(households: AllocationHousehold[]): Map<string, { households: number; needs: HouseholdNeedLine[] }> {
  const out = new Map<string, { households: number; byKey: Map<string, HouseholdNeedLine> }>();
  for (const h of households) {
    const g = out.get(h.groupId) ?? { households: 0, byKey: new Map<string, HouseholdNeedLine>() };
    g.households++;
    for (const n of h.needs) {
      const key = `${n.itemId}|${n.priority}`;
      const line = g.byKey.get(key);
      if (line) line.quantity += n.quantity;
      else g.byKey.set(key, { ...n });
    }
    out.set(h.groupId, g);
  }
  return new Map([...out].map(([id, g]) => [id, { households: g.households, needs: [...g.byKey.values()] }]));
}

const rank = (h: AllocationHousehold): number => (h.elderlyAlone ? 0 : 2) + (h.chronicIllness ? 0 : 1);

function compareHouseholds(a: AllocationHousehold, b: AllocationHousehold): number {
  return rank(a) - rank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Units per household for one (group, item, class): everybody gets min(need, level) for the highest
 * whole level the amount allows, and the remainder goes one unit each in the fixed order.
 */
export function shareUnits(needs: number[], amount: number): number[] {
  const total = needs.reduce((s, n) => s + n, 0);
  if (amount >= total) return [...needs];
  // Highest level t with sum(min(need, t)) <= amount, by binary search over whole levels.
  let lo = 0;
  let hi = needs.reduce((m, n) => Math.max(m, n), 0);
  const used = (t: number): number => needs.reduce((s, n) => s + Math.min(n, t), 0);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (used(mid) <= amount) lo = mid;
    else hi = mid - 1;
  }
  const out = needs.map((n) => Math.min(n, lo));
  let left = amount - used(lo);
  for (let j = 0; j < needs.length && left > 0; j++) {
    if ((needs[j] ?? 0) > lo) {
      out[j] = (out[j] ?? 0) + 1;
      left--;
    }
  }
  return out;
}

export function shareWithinGroups(lines: AllocationLine[], households: AllocationHousehold[]): HouseholdAllocation[] {
  const members = new Map<string, { h: AllocationHousehold; need: number }[]>();
  for (const h of [...households].sort(compareHouseholds)) {
    for (const n of h.needs) {
      if (n.quantity <= 0) continue;
      const key = `${h.groupId}|${n.itemId}|${n.priority}`;
      const list = members.get(key) ?? [];
      const last = list[list.length - 1]; // households come in order, so a repeat line is the last entry
      if (last?.h === h) last.need += n.quantity;
      else list.push({ h, need: n.quantity });
      members.set(key, list);
    }
  }
  const out: HouseholdAllocation[] = [];
  for (const line of lines) {
    const list = members.get(`${line.groupId}|${line.itemId}|${line.priority}`) ?? [];
    const given = shareUnits(
      list.map((m) => m.need),
      line.allocated,
    );
    list.forEach((m, j) => out.push({ householdId: m.h.id, itemId: line.itemId, priority: line.priority, needed: m.need, allocated: given[j] ?? 0 }));
  }
  return out;
}
