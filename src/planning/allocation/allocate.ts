/**
 * Scarce-stock allocation per community, one priority class at a time (most urgent first): the class's
 * LP (allocation.model.ts) decides fractional shares within what earlier classes left, rounding makes
 * whole units, and the result is explained. A class whose LP gives nothing verified in time is shared
 * by the deterministic even-share rule instead (said so per class), so a round always gets a plan.
 */
import { buildStageModel, holdUnits, normalise, unitsModel, type StageModel } from './allocation.model';
import { explain, itemSummaries } from './allocation.explain';
import { greedyStage, roundStage, startRemaining } from './allocation.round';
import type { LpResult } from '../lp/lp.model';
import { classKey, PRIORITY_CLASSES, type AllocationInput, type AllocationLine, type AllocationOptions, type AllocationResult, type StageReport } from './allocation.types';

export function allocateStock(input: AllocationInput, opts: AllocationOptions): AllocationResult {
  const started = opts.now();
  const problem = normalise(input);
  const left = startRemaining(problem);
  const x = problem.lines.map(() => 0);
  const units = problem.lines.map(() => 0);
  const floors = new Map<number, number>(); // classKey(item, class) -> floor
  const stages: StageReport[] = [];
  const classes = PRIORITY_CLASSES.filter((p) => problem.lines.some((l) => l.priority === p));
  classes.forEach((priority, n) => {
    const stageStart = opts.now();
    const stage = buildStageModel(problem, priority, left.stock, left.room);
    // Each class gets an equal part of what is left of the budget.
    const budget = Math.max(1, (opts.timeLimitMs - (stageStart - started)) / (classes.length - n));
    const lp = solveStage(stage, opts, budget);
    let fx: number[];
    let stageFloors: Map<number, number>;
    if (lp.values) {
      const values = lp.values;
      fx = stage.lineIdx.map((_, j) => values[j] ?? 0);
      stageFloors = new Map([...stage.floorVar].map(([item, v]) => [item, Math.min(1, Math.max(0, values[v] ?? 0))]));
    } else {
      ({ x: fx, floors: stageFloors } = greedyStage(problem, stage.lineIdx, left));
    }
    const got = roundStage(problem, stage.lineIdx, fx, left);
    stage.lineIdx.forEach((k, j) => {
      x[k] = fx[j] ?? 0;
      units[k] = got[j] ?? 0;
    });
    for (const [item, f] of stageFloors) floors.set(classKey(item, priority), f);
    stages.push({
      priority, method: lp.values ? 'lp' : 'greedy', lpStatus: lp.status, variables: stage.model.variables.length, elapsedMs: opts.now() - stageStart,
      ...(lp.detail ? { detail: lp.detail } : {}),
    });
  });
  const lines: AllocationLine[] = problem.lines.map((l, k) => ({
    groupId: input.groups[l.group]?.id ?? String(l.group),
    itemId: input.items[l.item]?.id ?? String(l.item),
    priority: l.priority,
    needed: l.needed,
    allocated: units[k] ?? 0,
  }));
  const methods = new Set(stages.map((s) => s.method));
  return {
    method: methods.size > 1 ? 'mixed' : methods.has('greedy') ? 'greedy' : 'lp',
    stages,
    lines,
    items: itemSummaries(problem, units, floors),
    explanations: explain(problem, x, units, floors),
    elapsedMs: opts.now() - started,
  };
}

/**
 * The class's LP: the fair model at once where no group's room binds; else the most units first, then
 * the fairest spread of that many (half the budget each). If the units' solve gives nothing in time,
 * the fair model alone is still better than the even-share fallback.
 */
function solveStage(stage: StageModel, opts: AllocationOptions, budget: number): LpResult {
  if (!stage.roomBound) return opts.solver.solve(stage.model, { timeLimitMs: budget, now: opts.now });
  const start = opts.now();
  const most = opts.solver.solve(unitsModel(stage), { timeLimitMs: budget / 2, now: opts.now });
  const rest = Math.max(1, budget - (opts.now() - start));
  if (most.objective === null) return opts.solver.solve(stage.model, { timeLimitMs: rest, now: opts.now });
  const fair = opts.solver.solve(holdUnits(stage, most.objective), { timeLimitMs: rest, now: opts.now });
  return fair.values ? fair : { ...most, detail: `the fair spread gave ${fair.status}: the most units, unspread` };
}
