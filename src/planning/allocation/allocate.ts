/**
 * Scarce-stock allocation per community: the LP (allocation.model.ts) decides fractional shares,
 * rounding makes whole units, and the result is explained. If the LP gives nothing verified in time,
 * the deterministic greedy rule answers instead (said so in `method`), so a round is never left without a plan.
 */
import { buildAllocationModel, DEFAULT_WEIGHTS, normalise } from './allocation.model';
import { explain, itemSummaries } from './allocation.explain';
import { greedyAllocation, roundAllocation } from './allocation.round';
import type { AllocationInput, AllocationLine, AllocationOptions, AllocationResult } from './allocation.types';

export function allocateStock(input: AllocationInput, opts: AllocationOptions): AllocationResult {
  const started = opts.now();
  const problem = normalise(input);
  const { model, floorVar } = buildAllocationModel(problem, opts.priorityWeights ?? DEFAULT_WEIGHTS);
  const lp = opts.solver.solve(model, { timeLimitMs: opts.timeLimitMs, now: opts.now });

  let x: number[];
  let floors: Map<number, number>;
  let method: AllocationResult['method'];
  if (lp.values) {
    const values = lp.values;
    x = problem.lines.map((_, k) => values[k] ?? 0);
    floors = new Map([...floorVar].map(([key, v]) => [key, Math.min(1, Math.max(0, values[v] ?? 0))]));
    method = 'lp';
  } else {
    ({ x, floors } = greedyAllocation(problem));
    method = 'greedy';
  }
  const units = roundAllocation(problem, x);
  const lines: AllocationLine[] = problem.lines.map((l, k) => ({
    groupId: input.groups[l.group]?.id ?? String(l.group),
    itemId: input.items[l.item]?.id ?? String(l.item),
    priority: l.priority,
    needed: l.needed,
    allocated: units[k] ?? 0,
  }));
  return {
    method,
    lpStatus: lp.status,
    lines,
    items: itemSummaries(problem, units, floors),
    explanations: explain(problem, x, units, floors),
    elapsedMs: opts.now() - started,
    ...(lp.detail ? { detail: lp.detail } : {}),
  };
}
