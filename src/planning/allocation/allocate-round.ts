/**
 * A round's stock allocation with the LP solver measured best for its size (solver-choice.ts:
 * javascript-lp-solver for small models, HiGHS above), wherever it runs: on the caller's event loop
 * or on the planning thread (workers/solve-thread.ts), where a district's 137,000 needs take seconds
 * of CPU that would otherwise hold a worker's job locks (issue #21).
 */
import { loadHighs } from '../lp/highs.adapter';
import { jsLpSolver } from '../lp/js-lp-solver.adapter';
import { JS_PREFERRED_UP_TO, preferredSolver } from '../lp/solver-choice';
import { allocateRound, type NeedComponent, type RoundAllocation, type RoundAllocationInput } from './round-allocation';

export interface ChosenAllocation { allocation: RoundAllocation; solver: string }

/** Allocates `input` (see allocateRound) within `timeLimitMs` of LP time, on `now`'s clock. */
export async function allocateWithPreferredSolver(input: RoundAllocationInput, timeLimitMs: number, now: () => number): Promise<ChosenAllocation> {
  const lines = lineCountOf(input);
  const highs = lines > JS_PREFERRED_UP_TO.allocation ? await loadHighs() : undefined;
  const solver = preferredSolver('allocation', lines, { jsLpSolver, ...(highs ? { highs } : {}) });
  return { allocation: allocateRound(input, { solver, timeLimitMs, now }), solver: solver.name };
}

/** The LP's lines: distinct (community, item, class) of the needs' components. */
function lineCountOf(input: RoundAllocationInput): number {
  // Community > class > its needs' kits (shared arrays: a few dozen in a district, not 137,000).
  const kits = new Map<string, Set<readonly NeedComponent[]>[]>();
  for (const n of input.needs) {
    if (n.components.length === 0) continue;
    let byClass = kits.get(n.group);
    if (!byClass) kits.set(n.group, (byClass = []));
    (byClass[n.priority] ??= new Set()).add(n.components);
  }
  let count = 0;
  for (const byClass of kits.values()) {
    for (const set of byClass) if (set) count += new Set([...set].flatMap((kit) => kit.map((c) => c.item))).size;
  }
  return count;
}
