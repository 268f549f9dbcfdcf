/**
 * javascript-lp-solver adapter: pure JS, no start-up cost, good on LPs and small MILPs.
 * Its `timeout` is only checked between branch-and-bound nodes and, when hit, it may answer with the
 * fractional relaxation or `feasible: false` (FIELD-NOTES "LP solvers"): `finishResult` catches both.
 */
import jsLp, { type Model as JsModel, type ConstraintBound } from 'javascript-lp-solver';
import { finishResult } from './lp.check';
import { isIntegerVar, isMip, lowerOf, upperOf, type LpModel, type LpResult, type LpSolveOptions, type LpSolver } from './lp.model';

const OBJ = '__obj';

/** Builds the JSON model; variables are named v0..vn-1, constraints c0.., bound rows ub0.. / lb0... */
export function toJsLpModel(model: LpModel, opts: Pick<LpSolveOptions, 'timeLimitMs' | 'relativeGap'>): JsModel {
  const variables: JsModel['variables'] = {};
  const constraints: Record<string, ConstraintBound> = {};
  const ints: Record<string, 1> = {};
  const unrestricted: Record<string, 1> = {};
  model.variables.forEach((v, i) => {
    const name = `v${i}`;
    const coefs: Record<string, number> = { [OBJ]: v.cost ?? 0 };
    const lo = lowerOf(v);
    const hi = upperOf(v);
    // javascript-lp-solver only knows x >= 0 or free: other bounds become one-variable rows.
    if (lo < 0) unrestricted[name] = 1;
    if (lo !== 0 && Number.isFinite(lo)) {
      constraints[`lb${i}`] = { min: lo };
      coefs[`lb${i}`] = 1;
    }
    if (Number.isFinite(hi)) {
      constraints[`ub${i}`] = { max: hi };
      coefs[`ub${i}`] = 1;
    }
    if (isIntegerVar(v)) ints[name] = 1;
    variables[name] = coefs;
  });
  model.constraints.forEach((c, k) => {
    const row = `c${k}`;
    constraints[row] = c.op === '<=' ? { max: c.rhs } : c.op === '>=' ? { min: c.rhs } : { equal: c.rhs };
    for (const t of c.terms) {
      const coefs = variables[`v${t.v}`];
      if (!coefs) throw new RangeError(`constraint ${c.name ?? k} uses unknown variable ${t.v}`);
      coefs[row] = (coefs[row] ?? 0) + t.coef;
    }
  });
  return {
    optimize: OBJ,
    opType: model.sense,
    constraints,
    variables,
    ints,
    unrestricted,
    options: { timeout: Math.max(1, Math.round(opts.timeLimitMs)), ...(opts.relativeGap !== undefined ? { tolerance: opts.relativeGap } : {}) },
  };
}

/** javascript-lp-solver keeps a dense tableau of float64s: refuse models whose tableau alone passes this. */
export const MAX_TABLEAU_BYTES = 1e9;

function solve(model: LpModel, opts: LpSolveOptions): LpResult {
  const started = opts.now();
  const json = toJsLpModel(model, opts);
  const rows = Object.values(json.constraints).reduce<number>((n, c) => n + (typeof c === 'object' && c.equal !== undefined ? 2 : 1), 1);
  const bytes = rows * (rows + model.variables.length + 1) * 8;
  if (bytes > MAX_TABLEAU_BYTES) {
    return finishResult(model, 'jsLpSolver', opts.now() - started, { kind: 'error', detail: `too large for javascript-lp-solver (dense tableau ~${Math.round(bytes / 1e6)} MB): use HiGHS` }, false);
  }
  let raw: Record<string, unknown>;
  try {
    raw = jsLp.Solve(json) as Record<string, unknown>;
  } catch (err) {
    return finishResult(model, 'jsLpSolver', opts.now() - started, { kind: 'error', detail: String(err) }, false);
  }
  const elapsedMs = opts.now() - started;
  const timedOut = elapsedMs >= opts.timeLimitMs;
  if (raw.feasible !== true) return finishResult(model, 'jsLpSolver', elapsedMs, { kind: 'infeasible' }, timedOut);
  if (raw.bounded === false) return finishResult(model, 'jsLpSolver', elapsedMs, { kind: 'unbounded' }, timedOut);
  // Variables at zero are left out of the answer.
  const values = model.variables.map((_, i) => {
    const x = raw[`v${i}`];
    return typeof x === 'number' ? x : 0;
  });
  const proved = !isMip(model) || raw.isIntegral === true;
  return finishResult(model, 'jsLpSolver', elapsedMs, { kind: 'solution', values, proved }, timedOut);
}

export const jsLpSolver: LpSolver = { name: 'jsLpSolver', reportsDuals: false, solve };
