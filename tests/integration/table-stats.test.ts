/**
 * Planner statistics after bulk writes (issue #21): a cycle's entitlements and a register import
 * refresh the statistics of the table they grew, so the next community's statements are not planned
 * as if the table still held the handful of rows it had before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { generateFoodEntitlements } from '../../src/services/needs/food-entitlement.service';
import { dropSchema, type Database } from '../../src/store/db';
import { analyzeIfGrown } from '../../src/store/table-stats';
import { openTestDatabase, seedDistrict, type District } from './round.fixtures';

let database: Database;
let district: District;

/** The row count the planner believes `needs` has. */
async function plannerRows(): Promise<number> {
  return (await sql<{ reltuples: number }>`select reltuples from pg_class where oid = to_regclass('needs')`.execute(database.db)).rows[0]!.reltuples;
}

async function rows(): Promise<number> {
  return Number((await sql<{ n: string }>`select count(*)::text as n from needs`.execute(database.db)).rows[0]!.n);
}

beforeAll(async () => {
  database = await openTestDatabase('table_stats');
  // Every seeded household holds a submitted food package of ISO week 2026-W48: 3 communities of 20.
  district = await seedDistrict(database, { communities: 3, corridorsPerCommunity: 2, householdsPerCorridor: 10, vehicles: 2, capacityBags: 200 });
});

afterAll(async () => {
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
});
