/**
 * Every solver answer goes through here before anyone uses it: solvers return relaxations, stale
 * incumbents or slightly-off values under time limits (see FIELD-NOTES "LP solvers"), so nothing is trusted.
 */
import { isIntegerVar, lowerOf, upperOf, type LpModel, type LpResult, type LpSolverName, type LpStatus } from './lp.model';

/**
 * Tolerance, relative to the magnitude at stake: max(1, |bound|) for bounds, max(1, |rhs|, sum |coef * x|)
 * for rows. Solvers round their output (javascript-lp-solver to 1e-8 per value), so a row of large
 * coefficients can be off by more than 1e-6 in absolute terms while being exactly right.
 */
export const LP_TOLERANCE = 1e-6;

export interface CheckOutcome {
  ok: boolean;
  /** Values with integer variables snapped to the nearest integer (only when within tolerance). */
  values: number[];
  objective: number;
  /** First violation found, for the result's `detail`. */
  violation?: string;
}

const tol = (scale: number): number => LP_TOLERANCE * Math.max(1, Math.abs(scale));

/** Checks bounds, integrality and every constraint of `model` at `raw`; recomputes the objective. */
export function checkSolution(model: LpModel, raw: ArrayLike<number>): CheckOutcome {
  const values: number[] = [];
  let violation: string | undefined;
  const fail = (why: string): void => {
    violation ??= why;
  };
  if (raw.length !== model.variables.length) fail(`expected ${model.variables.length} values, got ${raw.length}`);
  let objective = 0;
  model.variables.forEach((v, i) => {
    let x = raw[i] ?? NaN;
    if (!Number.isFinite(x)) fail(`${v.name} = ${x}`);
    if (isIntegerVar(v)) {
      const r = Math.round(x);
      if (Math.abs(x - r) > LP_TOLERANCE) fail(`${v.name} = ${x} is not integral`);
      else x = r;
    }
    const lo = lowerOf(v);
    const hi = upperOf(v);
    if (x < lo - tol(lo)) fail(`${v.name} = ${x} below its lower bound ${lo}`);
    if (x > hi + tol(hi)) fail(`${v.name} = ${x} above its upper bound ${hi}`);
    values.push(x);
    objective += (v.cost ?? 0) * x;
  });
  model.constraints.forEach((c, k) => {
    let lhs = 0;
    let magnitude = Math.abs(c.rhs);
    for (const t of c.terms) {
      const term = t.coef * (values[t.v] ?? NaN);
      lhs += term;
      magnitude += Math.abs(term);
    }
    const eps = tol(magnitude);
    const bad = !Number.isFinite(lhs) || (c.op === '<=' && lhs > c.rhs + eps) || (c.op === '>=' && lhs < c.rhs - eps) || (c.op === '=' && Math.abs(lhs - c.rhs) > eps);
    if (bad) fail(`constraint ${c.name ?? k}: ${lhs} ${c.op} ${c.rhs} violated`);
  });
  return { ok: violation === undefined, values, objective, violation };
}

/**
 * Builds the adapter's result from what the solver claimed. `claimed` is the solver's view
 * ('solution' = it says it has a point, with `proved` = optimality proved), `timedOut` whether a limit was hit.
 * A claimed point that fails the check is never returned: it becomes 'no-solution-in-time' after a
 * time-out and 'error' otherwise.
 */
export function finishResult(
  model: LpModel,
  solver: LpSolverName,
  elapsedMs: number,
  claimed: { kind: 'solution'; values: ArrayLike<number>; proved: boolean } | { kind: 'infeasible' | 'unbounded' | 'error'; detail?: string },
  timedOut: boolean,
): LpResult {
  const base = { solver, elapsedMs, objective: null, values: null };
  if (claimed.kind !== 'solution') {
    // A solver that gave up at its limit has proved nothing: "infeasible" after a time-out is not believed.
    if (timedOut && claimed.kind !== 'error') return { ...base, status: 'no-solution-in-time', detail: `solver said ${claimed.kind} at its time limit` };
    const status: LpStatus = timedOut ? 'no-solution-in-time' : claimed.kind;
    return { ...base, status, ...(claimed.detail ? { detail: claimed.detail } : {}) };
  }
  const check = checkSolution(model, claimed.values);
  if (!check.ok) {
    return { ...base, status: timedOut ? 'no-solution-in-time' : 'error', detail: `solver answer rejected: ${check.violation}` };
  }
  const status: LpStatus = claimed.proved && !timedOut ? 'optimal' : 'feasible';
  return { solver, elapsedMs, status, objective: check.objective, values: check.values };
}
