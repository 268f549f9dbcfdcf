/**
 * A round's stock allocation with the LP solver measured best for its size (solver-choice.ts:
 * javascript-lp-solver for small models, HiGHS above), wherever it runs: on the caller's event loop
 * or on the planning thread (workers/solve-thread.ts), where a district's 137,000 needs take seconds
 * of CPU that would otherwise hold a worker's job locks (issue #21).
 */
import { loadHighs } from '../lp/highs.adapter';
import { jsLpSolver } from '../lp/js-lp-solver.adapter';
import { JS_PREFERRED_UP_TO, preferredSolver } from '../lp/solver-choice';
import { allocateRound, type RoundAllocation, type RoundAllocationInput } from './round-allocation';

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
  const items = new Map<string, Set<string>>();
  for (const n of input.needs) {
    if (n.components.length === 0) continue;
    const key = `${n.group}|${n.priority}`;
    let set = items.get(key);
    if (!set) items.set(key, (set = new Set()));
    for (const c of n.components) set.add(c.item);
  }
  let count = 0;
  for (const set of items.values()) count += set.size;
  return count;
}
