/**
 * Writes an `LpModel` as CPLEX LP-format text (the input HiGHS reads). Variables are named x0..xn-1 and
 * every one appears in the objective (with 0 if need be), so the reader numbers the columns in model order.
 */
import { isIntegerVar, lowerOf, upperOf, type LpModel, type LpTerm } from './lp.model';

/** LP-format number: no exponent surprises for ordinary figures, `inf` for infinities. */
function num(x: number): string {
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(17)));
}

/** ` + 3 x1 - 2 x4 ...`, wrapped so no line grows past what LP readers accept. */
function linear(terms: LpTerm[]): string {
  const parts: string[] = [];
  terms.forEach((t, k) => {
    const sign = t.coef < 0 ? '-' : '+';
    parts.push(`${k % 8 === 0 && k > 0 ? '\n  ' : ''} ${sign} ${num(Math.abs(t.coef))} x${t.v}`);
  });
  return parts.join('');
}

/** Sums duplicate variables in one row: some readers reject them. */
function merged(terms: LpTerm[]): LpTerm[] {
  const byVar = new Map<number, number>();
  for (const t of terms) byVar.set(t.v, (byVar.get(t.v) ?? 0) + t.coef);
  return [...byVar].map(([v, coef]) => ({ v, coef }));
}

export function toCplexLp(model: LpModel): string {
  const out: string[] = [model.sense === 'min' ? 'Minimize' : 'Maximize'];
  const objective = model.variables.map((v, i) => ({ v: i, coef: v.cost ?? 0 }));
  out.push(` obj:${linear(objective)}`);
  out.push('Subject To');
  model.constraints.forEach((c, k) => {
    const terms = merged(c.terms);
    if (terms.length === 0) {
      // Nothing to write; `rhs` must hold on its own, so fold it into a trivially checkable row.
      terms.push({ v: 0, coef: 0 });
    }
    const op = c.op === '=' ? '=' : c.op;
    out.push(` c${k}:${linear(terms)} ${op} ${num(c.rhs)}`);
  });
  out.push('Bounds');
  model.variables.forEach((v, i) => {
    const lo = lowerOf(v);
    const hi = upperOf(v);
    if (lo === -Infinity && hi === Infinity) out.push(` x${i} free`);
    else out.push(` ${num(lo)} <= x${i} <= ${num(hi)}`);
  });
  const ints = model.variables.flatMap((v, i) => (isIntegerVar(v) ? [`x${i}`] : []));
  if (ints.length > 0) {
    out.push('Generals');
    for (let k = 0; k < ints.length; k += 10) out.push(' ' + ints.slice(k, k + 10).join(' '));
  }
  out.push('End', '');
  return out.join('\n');
}
