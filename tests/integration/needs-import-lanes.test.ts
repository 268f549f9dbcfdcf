/**
 * A unit chief's small CSV import goes out live in the interactive lane (issue #21): every needs
 * import was marked bulk, so a handful of rows waited behind a whole cycle's entitlements (137,000 at
 * full scale). Imports of at most INTERACTIVE_IMPORT_MAX_ROWS rows are interactive now; a corridor's
 * whole table stays bulk. Real PostgreSQL schema and Redis, the relay called batch by batch.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveEventOf } from '../../src/contracts/events';
import type { Actor } from '../../src/domain/access';
import { systemClock } from '../../src/shared/clock';
import { generateFoodEntitlements } from '../../src/services/needs/food-entitlement.service';
import { relayNeedStatusOnce, type NeedStatusRelayDeps } from '../../src/services/needs/need-status-relay.service';
import { importNeeds, INTERACTIVE_IMPORT_MAX_ROWS } from '../../src/services/needs/needs-import.service';
import type { Db } from '../../src/store/db';
import { liveFixture, logger, type LiveFixture } from './live-harness';

/** Households of the corridor the imports name: room for an import one row over the threshold. */
const HOUSEHOLDS = 2 * INTERACTIVE_IMPORT_MAX_ROWS;

let f: LiveFixture;
let db: Db;
let chief: Actor;

type Change = LiveEventOf<'need.status_changed'>;

beforeAll(async () => {
  f = await liveFixture('importlanes');
  db = f.database.db as unknown as Db;
  chief = { userId: 'chief', role: 'coordinator', corridorIds: [f.grid.corridors[0]], communityIds: [] };
  await sql`insert into households (corridor_id, community_id, address, members, lat, lon)
    select ${f.grid.corridors[0]}, ${f.grid.community}, 'Row ' || g, 1 + g % 6, 31.2, 121.4 from generate_series(1, ${HOUSEHOLDS}) g`.execute(db);
}, 60_000);

afterAll(async () => {
  await f?.close();
});

/** Imports one `kind` need (`column` = 1) for each of households `Row 1` to `Row rows`; the new needs' ids. */
async function importRows(rows: number, kind: 'gas' | 'rice' | 'oil', column: 'cylinders' | 'kg' | 'litres'): Promise<string[]> {
  const csv = ['address,kind,' + column, ...Array.from({ length: rows }, (_, i) => `Row ${i + 1},${kind},1`)].join('\n');
  const deps = { db, clock: systemClock, audit: undefined, foodCycleDays: 3 };
  const res = await importNeeds(deps, chief, f.grid.corridors[0], csv, { maxRows: 5000 }, {});
  expect(res.body.imported).toBe(rows);
  return res.body.needs.map((n) => n.needId);
}

/** The lanes the needs' pending live changes wait in. */
async function lanesOf(needIds: string[]): Promise<boolean[]> {
  const res = await sql<{ bulk: boolean }>`select l.bulk from need_status_live l join need_status_history h on h.id = l.history_id
    where h.need_id = any(${needIds}::uuid[])`.execute(db);
  return res.rows.map((r) => r.bulk);
}

const drain = async (relay: NeedStatusRelayDeps) => {
  while ((await relayNeedStatusOnce(relay)) > 0);
};

/** The relay with a publisher that records the status changes it fans out, in order. */
function recording(): { relay: NeedStatusRelayDeps; sent: Change[] } {
  const sent: Change[] = [];
  const base = f.publisher();
  return {
    sent,
    relay: {
      db, logger,
      publisher: {
        storeMany: (trx, events) => base.storeMany(trx, events),
        release: async (staged) => {
          const envelopes = await base.release(staged);
          for (const e of envelopes) if (e.event.type === 'need.status_changed' && !sent.some((c) => c.needId === (e.event as Change).needId)) sent.push(e.event as Change);
          return envelopes;
        },
      },
    },
  };
}

describe('needs CSV import lanes', () => {
  it("a unit chief's three rows go out ahead of a cycle's entitlements still waiting to be published, not behind them", async () => {
    const created = (await generateFoodEntitlements({ db, foodCycleDays: 3 }, f.grid.community, { at: new Date('2026-11-23T06:00:00Z') })).created;
    expect(created).toBe(HOUSEHOLDS + 2);
    const imported = await importRows(3, 'gas', 'cylinders');
    const { relay, sent } = recording();
    // Room for 5 changes: the import's 3, then 2 entitlements. Marked bulk, the import came after all 102.
    await relayNeedStatusOnce(relay, 5);
    expect(sent.slice(0, 3).map((c) => c.needId).sort()).toEqual([...imported].sort());
    expect(sent.slice(3).map((c) => c.status)).toEqual(['accepted', 'accepted']);
    await drain(relay);
  });

  it(`an import of ${INTERACTIVE_IMPORT_MAX_ROWS} rows is interactive, one of ${INTERACTIVE_IMPORT_MAX_ROWS + 1} bulk`, async () => {
    const { relay } = recording();
    await drain(relay);
    const small = await importRows(INTERACTIVE_IMPORT_MAX_ROWS, 'rice', 'kg');
    const big = await importRows(INTERACTIVE_IMPORT_MAX_ROWS + 1, 'oil', 'litres');
    expect(await lanesOf(small)).toEqual(small.map(() => false));
    expect(await lanesOf(big)).toEqual(big.map(() => true));
    await drain(relay);
  });
});
