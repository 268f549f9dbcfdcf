/**
 * Scheduled rounds: one scheduler per community and kind (per district for waste), installed
 * idempotently; empty areas skip; a daily waste round opens what the corridors' schedules make due.
 * Rounds the workers prepare (a draft left to the reconciler, a scheduled round) keep the configured
 * driver limits, as those started through the API do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config';
import { QUEUE, jobId } from '../../src/contracts/jobs';
import { DEFAULT_DRIVER_LIMITS } from '../../src/domain/shifts';
import { DRAFT_GRACE_MS, reconcile } from '../../src/services/rounds/reconcile.service';
import { createLogger } from '../../src/shared/logger';
import { roundRoster } from '../../src/services/rounds/round-roster';
import { startWorkerRuntime } from '../../workers/runtime';
import { createProducers } from '../../src/queue/producers';
import { ensureRoundSchedules, openScheduledRound } from '../../src/services/rounds/round-schedule.service';
import { dropSchema, type Database } from '../../src/store/db';
import { listSubproblems } from '../../src/store/round.repository';
import { corridorWasteSchedules, upsertWasteSchedule } from '../../src/store/waste-schedule.repository';
import { REDIS_URL, dropPrefix, uniquePrefix, until } from './queue.fixtures';
import { DATABASE_URL, openTestDatabase, seedDistrict, type District } from './round.fixtures';

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

  it('installs one waste scheduler per district, and its round opens the pickups the corridors\' schedules make due', async () => {
    const deps = { db: database.db, producers, defaultTimeLimitMs: 100, foodCycleDays: 3 };
    expect(await ensureRoundSchedules(deps, { waste: 24 })).toBe(1);
    const schedulers = await producers.queue(QUEUE.maintenance).getJobSchedulers();
    expect(schedulers.find((s) => s.key === `open-round-waste-${district.districtId}`)?.every).toBe(24 * 3600_000);
    const run = { at: new Date('2026-11-23T06:00:00Z') };
    // Nothing asked, nothing scheduled: no round.
    expect(await openScheduledRound(deps, district.districtId, 'waste', run)).toEqual({ roundId: null, created: false });
    // A daily pickup set for a corridor is the only thing waiting: the scheduled round opens it.
    const corridor = await database.db.selectFrom('areas').select(['id', 'parent_id']).where('kind', '=', 'corridor').orderBy('id').executeTakeFirstOrThrow();
    const set = await upsertWasteSchedule(database.db, { corridorId: corridor.id, communityId: corridor.parent_id!, category: 'positive', bags: 4, estimatedKg: 12, everyDays: 1, actor: 'dispatcher' });
    const opened = await openScheduledRound(deps, district.districtId, 'waste', run);
    expect(opened.created).toBe(true);
    const round = await database.db.selectFrom('rounds').select(['kind', 'area_id', 'created_by']).where('id', '=', opened.roundId!).executeTakeFirstOrThrow();
    expect(round).toEqual({ kind: 'waste', area_id: district.districtId, created_by: 'scheduler' });
    const pickups = await database.db.selectFrom('needs').select(['id', 'corridor_id', 'household_id']).where('kind', '=', 'waste_pickup').execute();
    expect(pickups).toEqual([{ id: expect.any(String), corridor_id: corridor.id, household_id: null }]);
    const claimed = await database.db.selectFrom('round_needs').select('need_id').where('round_id', '=', opened.roundId!).execute();
    expect(claimed.map((c) => c.need_id)).toEqual([pickups[0]!.id]);
    const [moved] = await corridorWasteSchedules(database.db, corridor.id);
    expect(moved!.nextDue > set.nextDue).toBe(true);
    // Its pickup belongs to that round now: the next tick finds nothing waiting.
    expect(await openScheduledRound(deps, district.districtId, 'waste', run)).toEqual({ roundId: null, created: false });
  });
});

describe('rounds the workers prepare', () => {
  it('keep the configured driver limits, not the defaults: a draft the reconciler prepares and a round a schedule opens', async () => {
    const own = uniquePrefix('schedlimits');
    const config = loadConfig({
      NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL, DATABASE_SCHEMA: database.schema, QUEUE_PREFIX: own, WORKER_QUEUES: 'maintenance,rounds',
      RECONCILE_EVERY_MS: '0', LIVE_EVENTS: '0', DRIVER_MAX_DUTY_MIN: '600', DRIVER_MAX_CONTINUOUS_MIN: '180', DRIVER_MIN_REST_MIN: '660',
    });
    const configured = { maxDutyMin: 600, maxContinuousMin: 180, minRestMin: 660 };
    const community = district.communityIds[1]!;
    // A request that died between creating its round and queuing its preparation, minutes ago: the reconciler prepares it at start-up.
    const draft = await database.db.insertInto('rounds').values({
      area_id: community, kind: 'medicine', status: 'draft', time_limit_ms: 100, seed: 1, failure_reason: null, created_by: 'dispatcher', approved_by: null,
      created_at: new Date(Date.now() - 10 * 60_000),
    }).returning('id').executeTakeFirstOrThrow();
    const runtime = await startWorkerRuntime(config, createLogger({ level: 'silent' }), undefined);
    const ownQueue = createProducers({ redisUrl: REDIS_URL, prefix: own });
    try {
      // Prepared at start-up: planning, or already proposed when its 100 ms searches and the merge beat this read (a CI run saw that).
      expect(['planning', 'proposed']).toContain((await database.db.selectFrom('rounds').select('status').where('id', '=', draft.id).executeTakeFirstOrThrow()).status);
      expect((await roundRoster(database.db, draft.id)).limits).toMatchObject(configured);
      // A schedule's job opens the community's food round (its seeded needs still wait).
      await until(() => ownQueue.ready(), 3000);
      await ownQueue.add('maintenance.open-round', { areaId: community, kind: 'food' }, { id: 'open-round-limits' });
      const opened = async () => database.db.selectFrom('rounds').select('id').where('area_id', '=', community).where('kind', '=', 'food').where('status', '=', 'planning').executeTakeFirst();
      await until(async () => (await opened()) !== undefined, 30_000);
      expect((await roundRoster(database.db, (await opened())!.id)).limits).toMatchObject(configured);
    } finally {
      await ownQueue.close();
      await runtime.close();
      await dropPrefix(REDIS_URL, own);
    }
  }, 60_000);
});

describe('the reconciler and drafts', () => {
  it('leaves a fresh draft to its round.prepare job (queued again, once), and prepares one whose job is long gone itself', async () => {
    const community = district.communityIds[0]!;
    const draft = await database.db.insertInto('rounds').values({
      area_id: community, kind: 'medicine', status: 'draft', time_limit_ms: 100, seed: 1, failure_reason: null, created_by: 'dispatcher', approved_by: null,
    }).returning('id').executeTakeFirstOrThrow();
    const statusOf = async () => (await database.db.selectFrom('rounds').select('status').where('id', '=', draft.id).executeTakeFirstOrThrow()).status;
    const deps = { db: database.db, producers, logger: createLogger({ level: 'silent' }), driverLimits: DEFAULT_DRIVER_LIMITS };
    const prepareJobs = async () => (await producers.queue(QUEUE.rounds).getJobs(['waiting', 'active', 'delayed'])).filter((j) => j.name === 'round.prepare');

    expect(await reconcile(deps)).toMatchObject({ draftsPrepared: 0, draftsQueued: 1 });
    expect(await reconcile(deps)).toMatchObject({ draftsPrepared: 0, draftsQueued: 1 });
    expect(await statusOf()).toBe('draft');
    const jobs = await prepareJobs();
    expect(jobs.map((j) => [j.id, j.data])).toEqual([[jobId('round.prepare', draft.id), { roundId: draft.id }]]);

    // Its job lost (a request that died before queuing it, a job failed for good): past the grace, prepared here.
    const later = () => Date.now() + DRAFT_GRACE_MS + 1000;
    expect(await reconcile({ ...deps, now: later })).toMatchObject({ draftsPrepared: 1, draftsQueued: 0 });
    expect(await statusOf()).toBe('planning');
  });
});
