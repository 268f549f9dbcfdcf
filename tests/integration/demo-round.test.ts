/**
 * The demo district's first mixed round (issue #14, "Done means"): its fresh vegetables are short on
 * purpose, and the round leaves no need unserved whose own items are in stock. Every stock-short need
 * names an item (with its substitutes) whose free stock at the round's depots is below what it asked;
 * medicine, gas, rice and oil needs on the same stops are served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { seedDemoDistrict } from '../../src/demo/demo-district.seed';
import { FOOD_PACKAGE } from '../../src/demo/demo-stock.seed';
import type { StockShortDetail } from '../../src/domain/round-plan';
import { mergeRound, startRound } from '../../src/services/rounds/round.service';
import { solveSubproblem } from '../../src/services/rounds/round-solve.service';
import { ManualClock } from '../../src/shared/clock';
import { dropSchema, type Database } from '../../src/store/db';
import { listSubproblems } from '../../src/store/round.repository';
import { readPlan } from '../../src/store/round-plan.repository';
import { ledgerMismatches } from '../../src/store/stock-read.repository';
import { openTestDatabase } from './round.fixtures';

const clock = new ManualClock('2026-11-23T08:00:00Z');
const producers = { ready: () => true, addRoundFlow: async () => undefined };
let database: Database;
let roundId: string;

/** What may stand in for an item in the demo's food package (canned vegetables for fresh ones). */
const substitutesOf = new Map<string, string[]>(FOOD_PACKAGE.variants.flatMap((v) => v.lines.map((l) => [l.code, 'substitutes' in l ? [...(l.substitutes ?? [])] : []] as const)));

beforeAll(async () => {
  database = await openTestDatabase('demo_round');
  await seedDemoDistrict({ db: database.db, clock, foodCycleDays: 3 }, { scryptCost: { N: 1024, r: 8, p: 1 } });
  const district = await database.db.selectFrom('areas').select('id').where('kind', '=', 'district').executeTakeFirstOrThrow();
  const { round } = await startRound({ db: database.db, producers, defaultTimeLimitMs: 300 }, { areaId: district.id, kind: 'mixed', actor: 'dispatcher' });
  roundId = round.id;
  for (const s of await listSubproblems(database.db, roundId)) await solveSubproblem({ db: database.db, now: () => performance.now() }, roundId, s.id);
  expect(await mergeRound(database.db, roundId, clock)).toBe('stored');
});
afterAll(async () => {
  await dropSchema(database);
  await database.close();
});

describe("the demo district's first mixed round", () => {
  it('is short of vegetables, and leaves no need unserved whose own items are in stock', async () => {
    const rows = await sql<{ need_id: string; kind: string; reason: string; detail: StockShortDetail | null }>`
      select u.need_id, n.kind, u.reason, u.detail from round_unserved u join needs n on n.id = u.need_id
      where u.round_id = ${roundId} order by u.need_id`.execute(database.db);
    const short = rows.rows.filter((r) => r.reason === 'stock-short');
    // The shortage shows: some food packages wait for vegetables, and only they wait for stock.
    expect(short.length).toBeGreaterThan(0);
    expect(short.every((r) => r.kind === 'food_package')).toBe(true);
    // Free units now (on hand less reserved) at the depots the round's stock came from.
    const freeRows = await sql<{ item_code: string; q: string }>`select item_code, sum(on_hand - reserved) as q from stock_balances group by item_code`.execute(database.db);
    const free = new Map(freeRows.rows.map((r) => [r.item_code, Number(r.q)]));
    for (const r of short) {
      expect(r.detail?.short.length).toBeGreaterThan(0);
      expect(r.detail?.depots.sort()).toEqual(['Hengshan Road Depot', 'Xujiahui Supply Depot']);
      // Some item it lacked can't be had even now, counting what may stand in for it.
      const lacking = r.detail!.short.filter((s) => [s.item, ...(substitutesOf.get(s.item) ?? [])].reduce((q, code) => q + (free.get(code) ?? 0), 0) < s.needed);
      expect(lacking.map((s) => s.item), `need ${r.need_id} waits for ${JSON.stringify(r.detail)}`).toEqual(['vegetables']);
    }
    // Medicine, gas, rice and oil: every one of the round's needs of those kinds is on the plan.
    const plan = await readPlan(database.db, roundId);
    const planned = new Set(plan.trips.flatMap((t) => t.stops.flatMap((s) => s.bags.map((b) => b.needId))));
    const others = await sql<{ need_id: string; kind: string }>`select rn.need_id, n.kind from round_needs rn join needs n on n.id = rn.need_id
      where rn.round_id = ${roundId} and n.kind in ('medicine', 'gas', 'rice', 'oil')`.execute(database.db);
    expect(others.rows.length).toBeGreaterThan(0);
    expect(others.rows.filter((r) => !planned.has(r.need_id)).map((r) => [r.kind, rows.rows.find((u) => u.need_id === r.need_id)?.reason])).toEqual([]);
    expect(await ledgerMismatches(database.db)).toEqual([]);
  });
});
