/**
 * HiGHS (WebAssembly, `highs` package) adapter. The WASM module loads asynchronously once per process
 * (`await loadHighs()`); solves are synchronous and block the thread for up to the time limit.
 * The model goes in as CPLEX LP text; a MIP start is passed with `setSolution` when given.
 */
import highsLoader, { type Highs } from 'highs';
import { finishResult } from './lp.check';
import { toCplexLp } from './lp.format';
import { isMip, type LpModel, type LpResult, type LpSolveOptions, type LpSolver } from './lp.model';

// Model status codes (highs.constants.modelStatus); kept local so the mapping reads in one place.
const OPTIMAL = 7;
const INFEASIBLE = 8;
const UNBOUNDED_OR_INFEASIBLE = 9;
const UNBOUNDED = 10;
const LIMITS = new Set([11, 12, 13, 14]); // objective bound / target, time limit, iteration limit
const PRIMAL_FEASIBLE = 2; // info primal_solution_status

function solveWith(highs: Highs, model: LpModel, opts: LpSolveOptions): LpResult {
  const started = opts.now();
  const elapsed = (): number => opts.now() - started;
  if (model.variables.length === 0) {
    return finishResult(model, 'highs', elapsed(), { kind: 'solution', values: [], proved: true }, false);
  }
  let lm;
  try {
    lm = highs.createModel({ format: 'lp', data: toCplexLp(model) });
  } catch (err) {
    // An invalid model throws ("Aborted") but the instance stays usable (FIELD-NOTES).
    return finishResult(model, 'highs', elapsed(), { kind: 'error', detail: `highs rejected the model: ${String(err)}` }, false);
  }
  try {
    lm.options.set({
      output_flag: false,
      time_limit: Math.max(0.001, opts.timeLimitMs / 1000),
      ...(opts.relativeGap !== undefined ? { mip_rel_gap: opts.relativeGap } : {}),
    });
    if (opts.start) lm.setSolution({ colValue: opts.start });
    lm.run();
    const status = lm.getModelStatus();
    const hasPoint = Number(lm.info.get('primal_solution_status')) === PRIMAL_FEASIBLE;
    const ms = elapsed();
    if (status === OPTIMAL || (LIMITS.has(status) && hasPoint)) {
      const values = columnValues(lm, model.variables.length);
      const result = finishResult(model, 'highs', ms, { kind: 'solution', values, proved: status === OPTIMAL }, status !== OPTIMAL);
      if (result.status === 'optimal' && !isMip(model)) result.duals = rowDuals(lm, model.constraints.length);
      return result;
    }
    if (LIMITS.has(status)) return finishResult(model, 'highs', ms, { kind: 'error', detail: `limit reached (status ${status}) without a solution` }, true);
    if (status === INFEASIBLE) return finishResult(model, 'highs', ms, { kind: 'infeasible' }, false);
    if (status === UNBOUNDED) return finishResult(model, 'highs', ms, { kind: 'unbounded' }, false);
    const detail = status === UNBOUNDED_OR_INFEASIBLE ? 'infeasible or unbounded (not distinguished by presolve)' : `highs model status ${status}`;
    return finishResult(model, 'highs', ms, { kind: 'error', detail }, false);
  } catch (err) {
    return finishResult(model, 'highs', elapsed(), { kind: 'error', detail: String(err) }, false);
  } finally {
    lm.dispose();
  }
}

/** Column values in model order; the LP writer names columns x<i>, which we map back rather than assume. */
function columnValues(lm: ReturnType<Highs['createModel']>, n: number): number[] {
  const raw = lm.getSolution().colValue;
  const values = new Array<number>(n).fill(NaN);
  for (let j = 0; j < raw.length; j++) {
    const name = lm.getColName(j);
    const i = Number(name.slice(1));
    if (name.startsWith('x') && Number.isInteger(i) && i >= 0 && i < n) values[i] = raw[j] ?? NaN;
  }
  return values;
}

/** Row duals in model order (rows are named c<k> by the LP writer). */
function rowDuals(lm: ReturnType<Highs['createModel']>, m: number): number[] {
  const raw = lm.getSolution().rowDual;
  const duals = new Array<number>(m).fill(0);
  for (let i = 0; i < raw.length; i++) {
    const k = Number(lm.getRowName(i).slice(1));
    if (Number.isInteger(k) && k >= 0 && k < m) duals[k] = raw[i] ?? 0;
  }
  return duals;
}

let loading: Promise<LpSolver> | undefined;

/** Loads the WASM module once and returns a solver sharing that instance. */
export function loadHighs(): Promise<LpSolver> {
  loading ??= highsLoader().then((highs) => ({ name: 'highs' as const, reportsDuals: true, solve: (model, opts) => solveWith(highs, model, opts) }));
  return loading;
}
