/**
 * Scarce-stock allocation: who gets what when stock can't cover every need. The LP works per
 * community (group); households share their group's allocation by a simple rule (households.share.ts).
 */
import type { LpSolver, LpStatus } from '../lp/lp.model';

/**
 * Allocation priority classes, lower first: 0 emergency medicine, 1 medicine due today, 2 medical
 * passes and routine medicine, 3 food for vulnerable households (elderly alone, cannot cook, chronic
 * illness), 4 everything else. Each class only gets what the more urgent ones left.
 */
export type PriorityClass = 0 | 1 | 2 | 3 | 4;
export const PRIORITY_CLASSES: readonly PriorityClass[] = [0, 1, 2, 3, 4];
/** Key of an (item, class) pair in maps keyed by number. */
export const classKey = (item: number, priority: number): number => item * PRIORITY_CLASSES.length + priority;

export interface AllocationItem {
  id: string;
  /** Units available: a total, or per depot (summed: which depot ships what is the routing's job). */
  stock: number | Record<string, number>;
  /** Weight (or volume) per unit, counted against a group's `capacity`. Default 1. */
  unitLoad?: number;
}

export interface GroupNeed {
  itemId: string;
  priority: PriorityClass;
  /** Units needed (whole units). */
  quantity: number;
}

export interface AllocationGroup {
  /** A community, corridor or any other group served as one. */
  id: string;
  /** Households in the group (for the explanation). */
  households?: number;
  needs: GroupNeed[];
  /** Most load (sum of unitLoad x units) that can reach the group this round. Default unlimited. */
  capacity?: number;
}

export interface AllocationInput {
  items: AllocationItem[];
  groups: AllocationGroup[];
}

export interface AllocationOptions {
  solver: LpSolver;
  timeLimitMs: number;
  /** Injected clock in milliseconds. */
  now: () => number;
}

/** One (group, item, priority class) line of the answer, in whole units. */
export interface AllocationLine {
  groupId: string;
  itemId: string;
  priority: PriorityClass;
  needed: number;
  allocated: number;
}

export type CutReason =
  /** The item's stock is below its total need by `short` units. */
  | { code: 'stock-short'; stock: number; needed: number; short: number }
  /** More urgent classes of the same item took `takenByHigher` units first. */
  | { code: 'lower-priority-cut-first'; takenByHigher: number }
  /** The group got the class's fairness floor: the share every group of this class was guaranteed. */
  | { code: 'fairness-floor'; floor: number }
  /** The group's delivery capacity is used up (`used` of `capacity`). */
  | { code: 'group-capacity'; capacity: number; used: number }
  /** Whole units: up to one unit lost to rounding the LP's fractional answer. */
  | { code: 'rounding' };

export interface AllocationExplanation {
  groupId: string;
  itemId: string;
  households: number | null;
  needed: number;
  allocated: number;
  cut: number;
  byPriority: { priority: PriorityClass; needed: number; allocated: number; cut: number }[];
  /** Empty when nothing was cut. */
  reasons: CutReason[];
}

export interface ItemSummary {
  itemId: string;
  stock: number;
  needed: number;
  allocated: number;
  /**
   * Fairness floor per priority class with need: every group of the class got at least this share of its
   * need (before rounding), except groups whose load capacity ran out (reason 'group-capacity').
   */
  floors: { priority: PriorityClass; floor: number }[];
}

export interface StageReport {
  priority: PriorityClass;
  /** 'lp': the class's LP answered (verified); 'greedy': it gave nothing usable in time, the even-share rule was used. */
  method: 'lp' | 'greedy';
  lpStatus: LpStatus;
  variables: number;
  elapsedMs: number;
  detail?: string;
}

export interface AllocationResult {
  /** 'mixed': some classes by LP, some by the fallback rule (see `stages`). */
  method: 'lp' | 'greedy' | 'mixed';
  /** One per priority class with needs, most urgent first. */
  stages: StageReport[];
  lines: AllocationLine[];
  items: ItemSummary[];
  explanations: AllocationExplanation[];
  elapsedMs: number;
}
