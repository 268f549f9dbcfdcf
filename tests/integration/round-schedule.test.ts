/** Scheduled rounds: one scheduler per community and kind, installed idempotently; empty areas skip. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE } from '../../src/contracts/jobs';
import { createProducers } from '../../src/queue/producers';
import { ensureRoundSchedules, openScheduledRound } from '../../src/services/rounds/round-schedule.service';
import { dropSchema, type Database } from '../../src/store/db';
import { listSubproblems } from '../../src/store/round.repository';
import { REDIS_URL, dropPrefix, uniquePrefix, until } from './queue.fixtures';
import { openTestDatabase, seedDistrict, type District } from './round.fixtures';

const prefix = uniquePrefix('schedule');
const producers = createProducers({ redisUrl: REDIS_URL, prefix });
let database: Database;
let district: District;

beforeAll(async () => {
  database = await openTestDatabase('round_schedule');
  district = await seedDistrict(database, { communities: 2, corridorsPerCommunity: 2, householdsPerCorridor: 2, vehicles: 2 });
  await until(() => producers.ready(), 3000);
});
afterAll(async () => {
  await producers.close();
  await dropPrefix(REDIS_URL, prefix);
  await dropSchema(database);
  await database.close();
});

describe('scheduled rounds', () => {
  it('installs one scheduler per community and kind, however often it runs', async () => {
    const deps = { db: database.db, producers };
    expect(await ensureRoundSchedules(deps, { food: 48, medicine: 24 })).toBe(4);
    expect(await ensureRoundSchedules(deps, { food: 48, medicine: 24 })).toBe(4);
    const schedulers = await producers.queue(QUEUE.maintenance).getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual(
      district.communityIds.flatMap((id) => [`open-round-food-${id}`, `open-round-medicine-${id}`]).sort(),
    );
    expect(schedulers.find((s) => s.key.startsWith('open-round-food'))?.every).toBe(48 * 3600_000);
  });

  it('opens the next round of a community with waiting needs, once; skips one with none', async () => {
    const deps = { db: database.db, producers, defaultTimeLimitMs: 100, foodCycleDays: 3 };
    const community = district.communityIds[0]!;
    const run = { at: new Date('2026-11-23T06:00:00Z') };
    const first = await openScheduledRound(deps, community, 'food', run);
    expect(first.created).toBe(true);
    // Its needs (the seeded ones and this cycle's entitlements) now belong to the open round: the
    // next tick creates no entitlement and finds nothing waiting.
    expect(first.entitlements).toBe(district.needIds.length / district.communityIds.length);
    expect(await openScheduledRound(deps, community, 'food', run)).toEqual({ roundId: null, created: false, cycle: first.cycle, entitlements: 0 });
    expect(await database.db.selectFrom('rounds').select('id').where('area_id', '=', community).execute()).toHaveLength(1);
    expect(await listSubproblems(database.db, first.roundId!)).toHaveLength(1);
    expect(await openScheduledRound(deps, community, 'medicine', run)).toEqual({ roundId: null, created: false });
  });
});
