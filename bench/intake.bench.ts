/**
 * Intake throughput and latency against the real server and PostgreSQL.
 *
 * Starts `src/main.ts` as a child process (its own Postgres schema, demo seed off), seeds a grid
 * of households and an admin account, logs in, then drives POST /api/households/:id/needs with
 * autocannon: a warm-up, then >= 20 s measured. Every request is a distinct need (household x kind
 * x identity), so each is accepted, never merged. Accepted needs are counted in the database.
 *
 *   npm run bench -- intake [--seconds 20] [--connections 80] [--processes 2] [--profile DIR]
 *
 * --profile writes the API process's V8 CPU profile (.cpuprofile, open in Chrome DevTools) to DIR.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createAccount } from '../src/services/access/auth-accounts.service';
import { dropSchema, migrateToLatest, openDatabase, type Database } from '../src/store/db';
import { login, PG_URL, startApiServer, type ApiServer } from './api.server';
import { seedGrid } from './grid.seed';
import { numberOption } from './options';

interface Histogram { p50: number; p99: number; p97_5: number; average: number; max: number }
interface CannonResult { latency: Histogram; requests: { average: number; total: number }; errors: number; timeouts: number; non2xx: number; statusCodeStats: Record<string, { count: number }>; duration: number }
interface CannonRequest { method: string; path: string; headers: Record<string, string>; body: string }
type Autocannon = (opts: Record<string, unknown>) => Promise<CannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const HOUSEHOLDS = 20_000;
const PASSWORD = 'bench-password-123';

/** 20,000 households on 50 corridors and the admin account `bench.admin` that submits their needs. */
export async function seedIntake(database: Database): Promise<string[]> {
  const { households } = await seedGrid(database, { households: HOUSEHOLDS, corridors: 50 });
  await createAccount({ db: database.db }, { username: 'bench.admin', password: PASSWORD, role: 'admin' }, { scryptCost: { N: 1024, r: 8, p: 1 } });
  return households;
}

/** The i-th request: household i mod H; the round decides kind and identity, so no two are the same need. */
function needBody(i: number): string {
  const round = Math.floor(i / HOUSEHOLDS);
  if (round === 0) return JSON.stringify({ kind: 'rice', details: { kg: 5 + (i % 20) } });
  if (round === 1) return JSON.stringify({ kind: 'oil', details: { litres: 1 + (i % 5) } });
  if (round === 2) return JSON.stringify({ kind: 'gas', details: { cylinders: 1 } });
  return JSON.stringify({ kind: 'medicine', details: { drug: `Bench drug ${round}`, strength: '10 mg', quantity: 30, urgency: 'routine' } });
}

/**
 * CPU seconds used so far by a process and its children (Linux /proc; null elsewhere). On a shared
 * machine throughput depends on what else runs; CPU per need says what the API itself costs.
 */
function cpuSeconds(rootPid: number | undefined): number | null {
  if (rootPid === undefined) return null;
  try {
    const stat = (pid: string) => {
      const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return text.slice(text.lastIndexOf(')') + 2).split(' ');
    };
    let ticks = 0;
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        const f = stat(pid);
        // Fields after the command: [1] = ppid, [11] = utime, [12] = stime.
        if (pid === String(rootPid) || f[1] === String(rootPid)) ticks += Number(f[11]) + Number(f[12]);
      } catch {
        // the process ended meanwhile
      }
    }
    return ticks / 100;
  } catch {
    return null;
  }
}

/** Sessions of `bench.admin`, as from several clients: a lookup shared by identical tokens would flatter the figure. */
export async function intakeTokens(url: string, count = 16): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) tokens.push(await login(url, 'bench.admin', PASSWORD));
  return tokens;
}

/**
 * Drives POST /api/households/:id/needs with autocannon for `duration` seconds per call; the
 * request counter runs on across calls, so every request of a run is a distinct need. Each
 * connection sends its next request when the last one is answered (the server's top speed) unless
 * `rate` caps the requests per second of all connections together.
 */
export function intakeDriver(url: string, households: string[], tokens: string[], connections: number, rate?: number): (duration: number) => Promise<CannonResult> {
  let counter = 0;
  return (duration) =>
    autocannon({
      url,
      connections,
      duration,
      ...(rate ? { overallRate: rate } : {}),
      requests: [
        {
          method: 'POST',
          setupRequest: (req: CannonRequest) => {
            const i = counter++;
            return { ...req, path: `/api/households/${households[i % HOUSEHOLDS]}/needs`, headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i % tokens.length]}` }, body: needBody(i) };
          },
        },
      ],
    });
}

export async function countNeeds(database: Database): Promise<number> {
  const row = await database.db.selectFrom('needs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function run(args: string[]): Promise<Record<string, number | string | null>> {
  const seconds = Math.max(20, numberOption(args, 'seconds', 20));
  // 80 clients at once, on two API processes (the compose file's setting): with one, its event
  // loop is the bottleneck at ~1,700/s while PostgreSQL uses under half a core (measured).
  const connections = numberOption(args, 'connections', 80);
  const processes = numberOption(args, 'processes', 2);
  const schema = `bench_intake_${Date.now().toString(36)}`;
  const database = await openDatabase({ url: PG_URL, schema, poolSize: 4 });
  let server: ApiServer | undefined;
  try {
    await migrateToLatest(database);
    const households = await seedIntake(database);
    const profileAt = args.indexOf('--profile');
    const profile = profileAt >= 0 && args[profileAt + 1] ? ['--cpu-prof', `--cpu-prof-dir=${args[profileAt + 1]}`] : [];
    server = await startApiServer({ schema, processes, pool: numberOption(args, 'pool', 16), nodeArgs: profile });
    const drive = intakeDriver(server.url, households, await intakeTokens(server.url), connections);

    await drive(3); // warm-up: JIT, pools, plans
    const before = await countNeeds(database);
    const cpu0 = cpuSeconds(server.child.pid);
    const t0 = Date.now();
    const result = await drive(seconds);
    const elapsed = (Date.now() - t0) / 1000;
    const cpu1 = cpuSeconds(server.child.pid);
    const accepted = (await countNeeds(database)) - before;
    const cpuMsPerNeed = cpu0 !== null && cpu1 !== null && accepted > 0 ? Math.round(((cpu1 - cpu0) * 1000 * 1000) / accepted) / 1000 : null;
    const metrics = {
      needs_per_s: Math.round(accepted / elapsed),
      p50_ms: result.latency.p50,
      p99_ms: result.latency.p99,
      accepted,
      seconds: Math.round(elapsed * 10) / 10,
      non_2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      connections,
      api_processes: processes,
      api_cpu_ms_per_need: cpuMsPerNeed,
    };
    console.log('\nintake: POST /api/households/:id/needs, every request a distinct need (accepted, not merged)');
    console.table({ 'accepted needs/s': metrics.needs_per_s, 'p50 ms': metrics.p50_ms, 'p99 ms': metrics.p99_ms, accepted, 'non-2xx': metrics.non_2xx, errors: metrics.errors, connections, 'API processes': processes, 'API CPU ms per need': cpuMsPerNeed });
    console.log(`target: >= 2000 needs/s with p99 < 100 ms: ${metrics.needs_per_s >= 2000 && metrics.p99_ms < 100 ? 'MET' : 'NOT MET'}`);
    return metrics;
  } finally {
    await server?.stop();
    await dropSchema(database);
    await database.close();
  }
}
