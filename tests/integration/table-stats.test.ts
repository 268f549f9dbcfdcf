/**
 * Planner statistics after bulk writes (issue #21): a cycle's entitlements and a register import
 * refresh the statistics of the table they grew, so the next community's statements are not planned
 * as if the table still held the handful of rows it had before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createProducers } from '../../src/queue/producers';
import { generateFoodEntitlements } from '../../src/services/needs/food-entitlement.service';
import { mergeRound, startRound } from '../../src/services/rounds/round.service';
import { solveSubproblem } from '../../src/services/rounds/round-solve.service';
import { listSubproblems } from '../../src/store/round.repository';
import { dropSchema, type Database } from '../../src/store/db';
import { analyzeIfGrown } from '../../src/store/table-stats';
import { REDIS_URL, dropPrefix, uniquePrefix, until } from './queue.fixtures';
import { openTestDatabase, seedDistrict, type District } from './round.fixtures';

const prefix = uniquePrefix('tstats');
const producers = createProducers({ redisUrl: REDIS_URL, prefix });

let database: Database;
let district: District;

/** The row count the planner believes `table` has. */
async function plannerRows(table = 'needs'): Promise<number> {
  return (await sql<{ reltuples: number }>`select reltuples from pg_class where oid = to_regclass(${table})`.execute(database.db)).rows[0]!.reltuples;
}

async function rows(table = 'needs'): Promise<number> {
  return Number((await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(database.db)).rows[0]!.n);
}

beforeAll(async () => {
  database = await openTestDatabase('table_stats');
  // Every seeded household holds a submitted food package of ISO week 2026-W48: 3 communities of 20.
  district = await seedDistrict(database, { communities: 3, corridorsPerCommunity: 2, householdsPerCorridor: 10, vehicles: 2, capacityBags: 200 });
  await until(() => producers.ready(), 3000);
});

afterAll(async () => {
  await producers.close();
  await dropPrefix(REDIS_URL, prefix);
  await dropSchema(database);
  await database.close();
});

describe('planner statistics after bulk writes', () => {
  it('re-analyses a table once the rows added are a large share of what its statistics know, not for every small write', async () => {
    await sql`analyze needs`.execute(database.db);
    const known = await plannerRows();
    expect(known).toBe(await rows());
    // A fifth more than the statistics know of: analysed, and the planner now sees every row.
    expect(await analyzeIfGrown(database.db, 'needs', Math.ceil(known * 0.2))).toBe(true);
    // A few rows: one catalogue read, no ANALYZE.
    expect(await analyzeIfGrown(database.db, 'needs', 3)).toBe(false);
    expect(await analyzeIfGrown(database.db, 'needs', 0)).toBe(false);
  });

  it("a cycle's entitlements leave the planner knowing the needs they created", async () => {
    const deps = { db: database.db, foodCycleDays: 3 };
    const monday = new Date('2026-11-23T06:00:00Z');
    // 60 needs known; each community's cycle adds 20, a third, a quarter, then a fifth of what is known.
    for (const community of district.communityIds) {
      const { created } = await generateFoodEntitlements(deps, community, { at: monday });
      expect(created).toBe(20);
      expect(await plannerRows()).toBe(await rows());
    }
    // The next cycle of one community adds a sixth: within the margin, left for later.
    const known = await plannerRows();
    await generateFoodEntitlements(deps, district.communityIds[0]!, { at: new Date(monday.getTime() + 3 * 24 * 3600_000) });
    expect(await rows()).toBe(known + 20);
    expect(await plannerRows()).toBe(known);
  });

  it("a stored plan's trips, stops and bags are counted before its stock is reserved", async () => {
    const db = database.db;
    const { round } = await startRound({ db, producers, defaultTimeLimitMs: 200 }, { areaId: district.districtId, kind: 'food', actor: 'test' });
    for (const s of await listSubproblems(db, round.id)) await solveSubproblem({ db, now: () => performance.now() }, round.id, s.id);
    expect(await mergeRound(db, round.id)).toBe('stored');
    for (const table of ['round_stops', 'round_bags', 'round_needs']) {
      expect(await rows(table), table).toBeGreaterThan(0);
      expect(await plannerRows(table), table).toBe(await rows(table));
    }
  });
});
