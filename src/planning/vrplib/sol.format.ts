import { VrpParseError } from './vrp.parser';

/** A CVRPLIB solution: routes of customer numbers (1-based, depot 0 omitted) and the cost. */
export interface SolFile {
  routes: number[][];
  cost: number;
}

export function formatSol(sol: SolFile, costDigits = 0): string {
  const lines = sol.routes.map((r, i) => `Route #${i + 1}: ${r.join(' ')}`);
  const cost = costDigits ? sol.cost.toFixed(costDigits) : String(Math.round(sol.cost));
  return `${lines.join('\n')}\nCost ${cost}\n`;
}

export function parseSol(text: string): SolFile {
  const routes: number[][] = [];
  let cost: number | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const route = /^Route\s*#\s*\d+\s*:(.*)$/i.exec(line);
    if (route) {
      const ids = route[1]!.trim().split(/\s+/).filter(Boolean).map(Number);
      if (ids.some((c) => !Number.isInteger(c) || c < 1)) throw new VrpParseError(i + 1, `bad customer number in "${line}"`);
      routes.push(ids);
      return;
    }
    const c = /^Cost\s+(\S+)$/i.exec(line);
    if (c && Number.isFinite(Number(c[1]))) {
      cost = Number(c[1]);
      return;
    }
    throw new VrpParseError(i + 1, `expected "Route #N: ..." or "Cost N", got "${line.slice(0, 40)}"`);
  });
  if (cost === undefined) throw new VrpParseError(text.split(/\r?\n/).length, 'missing "Cost N" line');
  return { routes, cost };
}
