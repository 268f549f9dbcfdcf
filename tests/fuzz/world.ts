/**
 * The fuzz world: the authorization tests' district on real PostgreSQL (auth.fixture.ts, one
 * account per role) with every kind of object the routes address (authz.targets.ts: needs,
 * rounds and their stops, passes, emergencies, a kit, orders, a hospital), the app in its own
 * thread on the same schema, id pools for the generators, and row counts of every table.
 */
import { sql } from 'kysely';
import { ROLES, type Role } from '../../src/domain/access';
import { PASSWORD, PG_URL, REDIS_URL, startWorld, type World } from '../integration/auth.fixture';
import { listRoutes } from '../integration/authz.routes';
import { ITEM, ctx, hospital, type Kind } from '../integration/authz.specs';
import { buildTargets } from '../integration/authz.targets';
import { uniquePrefix } from '../integration/queue.fixtures';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startAppHost, type AppHost } from './app-host';

export interface FuzzWorld {
  w: World;
  host: AppHost;
  tokens: Record<Role, string>;
  pools: Record<string, string[]>;
  /**
   * Row count of every table of the schema but the audit log; with `requestId`, also the audit rows
   * of that request other than 'denied' ones (a refusal is audited as denied, nothing else). Audit
   * rows are counted per request because an allowed read is audited after its answer is out: a
   * total would blame that row on whatever request comes next.
   */
  counts(requestId?: string): Promise<Map<string, number>>;
  /** A session of its own for `role`, for calls that end the caller's session (logout). */
  freshToken(role: Role): Promise<string>;
  close(): Promise<void>;
}

/** No limiter in the way of the fuzz: a 429 after ten wrong passwords would hide every answer after it. */
const ENV = { RATE_LIMIT_LOGIN_MAX: '100000', RATE_LIMIT_INTAKE_MAX: '1000000' };
const KINDS: Kind[] = ['household', 'need', 'passNeed', 'corridor', 'community', 'area', 'driver', 'user', 'round', 'roundStop', 'pass', 'emergency', 'kit', 'order', 'gateStop'];

export async function startFuzzWorld(name: string): Promise<FuzzWorld> {
  const w = await startWorld(name, { env: ENV });
  try {
    ctx.grid = w.grid;
    const tokens = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await w.login(r)] as const))) as Record<Role, string>;
    const { byKind } = await buildTargets(w, tokens, new Set(KINDS), listRoutes(w.app).map((r) => r.path));
    const g = w.grid;
    const ids = (k: Kind) => byKind[k].map((t) => t.id);
    const depots = (await sql<{ id: string }>`select id from depots`.execute(w.database.db)).rows.map((r) => r.id);
    const stops = [...byKind.roundStop, ...byKind.gateStop].map((t) => t.stopId ?? '');
    const pools: Record<string, string[]> = {
      householdId: [g.h1, g.h2, g.h3, g.h4],
      needId: [...ids('need'), ...ids('passNeed')],
      corridorId: [g.c1, g.c2, g.c3],
      communityId: [g.m1, g.m2],
      areaId: ids('area'),
      driverId: [g.d1, g.d2],
      // Never the fuzzing roles' own accounts: disabling or revoking them would end the fuzz.
      userId: [w.users.spare.id],
      roundId: [...ids('round'), ...ids('roundStop')],
      stopId: stops,
      passId: ids('pass'),
      emergencyId: ids('emergency'),
      orderId: ids('order'),
      lineId: byKind.order.map((t) => t.lineId ?? ''),
      depotId: depots,
      fromDepotId: depots,
      toDepotId: depots,
      hospitalId: [hospital.id],
      itemCode: [ITEM],
      code: ['matrix-kit', ITEM, '123456', '654321'],
      username: [w.users.spare.username],
      password: [PASSWORD],
    };
    const tables = (await sql<{ name: string }>`select table_name as name from information_schema.tables
      where table_schema = ${w.database.schema} and table_type = 'BASE TABLE' order by 1`.execute(w.database.db)).rows.map((r) => r.name);
    // One prepared statement on a connection of its own: planned once, ~1 ms a call instead of ~11.
    const counter = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${w.database.schema}` });
    await counter.connect();
    const counted = tables.filter((t) => t !== 'audit_log');
    const countSql = `select ${counted.map((t, i) => `(select count(*) from "${t}") as c${i}`).join(', ')},
      (select count(*) from audit_log where request_id = $1 and outcome <> 'denied') as audit`;
    const queuePrefix = uniquePrefix(name);
    const host = await startAppHost({ pgUrl: PG_URL, redisUrl: REDIS_URL, schema: w.database.schema, queuePrefix, env: ENV });
    return {
      w,
      host,
      tokens,
      pools,
      async counts(requestId) {
        const row = (await counter.query<Record<string, string>>({ name: 'fuzz_counts', text: countSql, values: [requestId ?? null] })).rows[0] ?? {};
        const out = new Map(counted.map((t, i) => [t, Number(row[`c${i}`])]));
        if (requestId) out.set('audit_log (not denied, this request)', Number(row.audit));
        return out;
      },
      freshToken: (role) => w.login(role),
      async close() {
        await counter.end();
        await host.close();
        await dropRedisKeys([`${queuePrefix}:*`, `rl:${w.database.schema}:*`]);
        await w.close();
      },
    };
  } catch (err) {
    await w.close();
    throw err;
  }
}

/** The rounds the fuzz started left jobs under its own prefix, the limiters their counters: remove them. */
async function dropRedisKeys(patterns: string[]): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    for (const pattern of patterns) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}
