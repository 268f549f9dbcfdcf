/**
 * `npm run plan -- INSTANCE.vrp [--time-limit SECONDS] [--seed N] [--threads N] [--out FILE.sol]`
 * Solves a CVRPLIB instance and prints (or writes) the solution in CVRPLIB .sol format. From
 * LARGE_FROM stops on, the plan is made by decomposition by routes on `--threads` worker threads
 * (default: the machine's cores); from PARTS_FROM, with more than one thread, by one annealing cooled
 * in parts on those threads (solveInParts); below, by one search on one thread. Time limits end the
 * pieces at different points on a busy machine, so routes repeat exactly only in iteration mode.
 * Bad flags or a bad file: a message on stderr and exit code 2. The only planning file with I/O.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { loadHighs } from './lp/highs.adapter';
import { solveLarge } from './decompose/large.solve';
import { PARTS_FROM, solveInParts } from './decompose/parts.solve';
import { locator } from './decompose/geometry';
import { threadRunner } from './parallel/thread-runner';
import { solve } from './solve';
import type { Problem, Solution } from './model/problem.types';
import { validateSolution } from './validate/solution.validate';
import { cvrplibConventions, vrpToProblem } from './vrplib/cvrplib.problem';
import { formatSol } from './vrplib/sol.format';
import { solutionToSol } from './vrplib/solution.sol';
import { parseVrp, VrpParseError } from './vrplib/vrp.parser';

const say = (line: string): void => void process.stderr.write(`${line}\n`);

const USAGE = 'usage: npm run plan -- INSTANCE.vrp [--time-limit SECONDS] [--seed N] [--threads N] [--out FILE.sol]';

/** From this many stops on, one dense matrix and one search no longer pay: decomposition by routes. */
export const LARGE_FROM = 2_500;

class UsageError extends Error {}

interface Args { file: string; seconds: number; seed: number; threads: number; out?: string }

function parseArgs(argv: string[]): Args {
  let file: string | undefined;
  let seconds = 10;
  let seed = 1;
  let threads = availableParallelism();
  let out: string | undefined;
  const value = (i: number, flag: string): string => {
    const v = argv[i];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') continue;
    if (a === '--time-limit') {
      seconds = Number(value(++i, a));
      if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--time-limit must be a positive number of seconds, got ${argv[i]}`);
    } else if (a === '--seed') {
      seed = Number(value(++i, a));
      if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer, got ${argv[i]}`);
    } else if (a === '--threads') {
      threads = Number(value(++i, a));
      if (!Number.isInteger(threads) || threads < 1) throw new UsageError(`--threads must be a positive integer, got ${argv[i]}`);
    } else if (a === '--out') out = value(++i, a);
    else if (a === '--help' || a === '-h') throw new UsageError('');
    else if (a.startsWith('--')) throw new UsageError(`unknown flag ${a}`);
    else if (file) throw new UsageError(`one instance only (got ${file} and ${a})`);
    else file = a;
  }
  if (!file) throw new UsageError('missing INSTANCE.vrp');
  return { file, seconds, seed, threads, out };
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    say(err.message ? `error: ${err.message}\n${USAGE}` : USAGE);
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(args.file, 'utf8');
  } catch (err) {
    say(`error: cannot read ${args.file}: ${(err as Error).message}`);
    return 2;
  }
  let vrp;
  try {
    vrp = parseVrp(text);
  } catch (err) {
    if (!(err instanceof VrpParseError)) throw err;
    say(`error: ${args.file}: ${err.message}`);
    return 2;
  }
  const conv = cvrplibConventions(vrp.name);
  const problem = vrpToProblem(vrp, conv);
  const started = performance.now();
  const { solution, threads } = await plan(problem, args);
  const seconds = (performance.now() - started) / 1000;
  const check = validateSolution(problem, solution);
  const sol = formatSol(solutionToSol(solution, check.cost), conv.round ? 0 : 3);
  if (args.out) writeFileSync(args.out, sol);
  else process.stdout.write(sol);
  const status = check.ok ? 'feasible' : `INFEASIBLE: ${check.violations.slice(0, 3).join('; ')}`;
  say(`${vrp.name}: cost ${check.cost.toFixed(conv.round ? 0 : 3)}, ${solution.routes.length} routes, ${solution.unserved.length} unserved, ${status}, ${seconds.toFixed(1)} s, ${threads} thread(s)`);
  return check.ok && !solution.unserved.length ? 0 : 1;
}

async function plan(problem: Problem, args: Args): Promise<{ solution: Solution; threads: number }> {
  const now = (): number => performance.now();
  const n = problem.stops.length;
  if (n >= LARGE_FROM || (args.threads > 1 && n >= PARTS_FROM && locator(problem))) {
    const pool = threadRunner(args.threads);
    const options = { timeLimitMs: args.seconds * 1000, now, seed: args.seed, threads: args.threads };
    try {
      return { solution: n >= LARGE_FROM ? await solveLarge(problem, options, pool.run) : await solveInParts(problem, options, pool.run), threads: args.threads };
    } finally {
      await pool.close();
    }
  }
  const solver = await loadHighs();
  // HiGHS's first solve in a process is slow (WASM start-up): pay it before the clock starts.
  solver.solve({ sense: 'min', variables: [{ name: 'x', cost: 1, type: 'binary' }], constraints: [{ terms: [{ v: 0, coef: 1 }], op: '>=', rhs: 1 }] }, { timeLimitMs: 5000, now });
  return { solution: solve(problem, { timeLimitMs: args.seconds * 1000, now, seed: args.seed, setPartitioning: { solver } }), threads: 1 };
}

process.exitCode = await main();
