/**
 * The allocation explained as data, per item and group: needed, allocated, cut, and the reasons for any
 * cut (stock short, more urgent classes first, fairness floor, group capacity, rounding).
 */
import type { AllocationProblem } from './allocation.model';
import { classKey, PRIORITY_CLASSES, type AllocationExplanation, type CutReason, type ItemSummary, type PriorityClass } from './allocation.types';

export function itemSummaries(p: AllocationProblem, units: number[], floors: Map<number, number>): ItemSummary[] {
  return p.input.items.map((it, item) => {
    let needed = 0;
    let allocated = 0;
    p.lines.forEach((l, k) => {
      if (l.item !== item) return;
      needed += l.needed;
      allocated += units[k] ?? 0;
    });
    const classes = PRIORITY_CLASSES.filter((c) => floors.has(classKey(item, c)));
    return { itemId: it.id, stock: p.stock[item] ?? 0, needed, allocated, floors: classes.map((priority) => ({ priority, floor: floors.get(classKey(item, priority)) ?? 0 })) };
  });
}

export function explain(p: AllocationProblem, x: number[], units: number[], floors: Map<number, number>): AllocationExplanation[] {
  const byGroupItem = new Map<string, number[]>();
  const classAllocated = new Map<number, number>(); // classKey(item, class) -> units given
  const itemNeed = p.stock.map(() => 0);
  const load = p.capacity.map(() => 0);
  p.lines.forEach((l, k) => {
    const key = `${l.group}|${l.item}`;
    byGroupItem.set(key, [...(byGroupItem.get(key) ?? []), k]);
    classAllocated.set(classKey(l.item, l.priority), (classAllocated.get(classKey(l.item, l.priority)) ?? 0) + (units[k] ?? 0));
    itemNeed[l.item] = (itemNeed[l.item] ?? 0) + l.needed;
    load[l.group] = (load[l.group] ?? 0) + (units[k] ?? 0) * (p.unitLoad[l.item] ?? 1);
  });
  const maxLoad = p.unitLoad.reduce((m, w) => Math.max(m, w), 0);
  const out: AllocationExplanation[] = [];
  for (const ks of byGroupItem.values()) {
    const first = p.lines[ks[0] ?? 0];
    if (!first) continue;
    const { group, item } = first;
    const byPriority = ks
      .map((k) => {
        const l = p.lines[k] as (typeof p.lines)[number];
        return { priority: l.priority, needed: l.needed, allocated: units[k] ?? 0, cut: l.needed - (units[k] ?? 0), k };
      })
      .sort((a, b) => a.priority - b.priority);
    const needed = byPriority.reduce((s, b) => s + b.needed, 0);
    const allocated = byPriority.reduce((s, b) => s + b.allocated, 0);
    const reasons: CutReason[] = [];
    const worst = byPriority.find((b) => b.cut > 0);
    if (worst) {
      const stock = p.stock[item] ?? 0;
      const totalNeed = itemNeed[item] ?? 0;
      if (totalNeed > stock) reasons.push({ code: 'stock-short', stock, needed: totalNeed, short: totalNeed - stock });
      const takenByHigher = PRIORITY_CLASSES.filter((c) => c < worst.priority).reduce<number>((s, c) => s + (classAllocated.get(classKey(item, c)) ?? 0), 0);
      if (takenByHigher > 0) reasons.push({ code: 'lower-priority-cut-first', takenByHigher });
      const floor = floors.get(classKey(item, worst.priority));
      if (floor !== undefined && floor > 0 && floor < 1 && Math.abs((x[worst.k] ?? 0) - floor * worst.needed) <= 1e-6 * Math.max(1, worst.needed)) reasons.push({ code: 'fairness-floor', floor });
      const capacity = p.capacity[group] ?? Infinity;
      if (Number.isFinite(capacity) && (load[group] ?? 0) > capacity - maxLoad) reasons.push({ code: 'group-capacity', capacity, used: load[group] ?? 0 });
      if (byPriority.some((b) => b.cut > 0 && (x[b.k] ?? 0) - b.allocated > 1e-6)) reasons.push({ code: 'rounding' });
    }
    out.push({
      groupId: p.input.groups[group]?.id ?? String(group),
      itemId: p.input.items[item]?.id ?? String(item),
      households: p.input.groups[group]?.households ?? null,
      needed,
      allocated,
      cut: needed - allocated,
      byPriority: byPriority.map(({ priority, needed: n, allocated: a, cut }) => ({ priority: priority as PriorityClass, needed: n, allocated: a, cut })),
      reasons,
    });
  }
  return out;
}
