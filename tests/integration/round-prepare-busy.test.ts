/**
 * A draft round being prepared is not waited for (issue #21): a district's preparation holds the
 * round's row for minutes, and the reconciler (every RECONCILE_EVERY_MS) or a repeated start that
 * came to prepare it too used to queue behind it, each holding a pooled connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareRound } from '../../src/services/rounds/round.service';
import { allocateHere, type RoundAllocator } from '../../src/services/rounds/round-allocation.service';
import { stepTimer } from '../../src/shared/steps';
import { dropSchema, type Database } from '../../src/store/db';
import { createOrGetOpenRound, getRound } from '../../src/store/round.repository';
import { statementRecorder } from './auth.fixture';
import { openTestDatabase, seedDistrict, type District } from './round.fixtures';

let database: Database;
let district: District;

beforeAll(async () => {
  database = await openTestDatabase('round_prepare_busy');
  district = await seedDistrict(database, { communities: 2, corridorsPerCommunity: 2, householdsPerCorridor: 3, vehicles: 2 });
});

afterAll(async () => {
  await dropSchema(database);
  await database.close();
});

describe('preparing a round', () => {
  it('returns at once, preparing nothing, while another transaction holds the round; prepares it once free', async () => {
    const db = database.db;
    const { round } = await createOrGetOpenRound(db, { areaId: district.districtId, kind: 'food', timeLimitMs: 200, seed: 1, createdBy: 'test' });
    // Another preparation in progress: the row stays locked until this transaction ends, which it
    // does only after the second preparation has returned (had that one waited, neither would end).
    await db.transaction().execute(async (trx) => {
      await trx.selectFrom('rounds').select('id').where('id', '=', round.id).forUpdate().execute();
      await prepareRound(db, round.id);
      expect((await getRound(db, round.id))?.status).toBe('draft');
    });
    // Its steps' milliseconds, for the 'round prepared' log line: the allocation split into its parts.
    // What routing reads of the claimed needs has gone out by the time the allocation solves (its LP
    // took 20-25 s under the full-scale day's load, the reads 7-9 s after it).
    const steps = stepTimer();
    const { plugin, statements } = statementRecorder();
    let sentBeforeSolve: boolean | undefined;
    const allocate: RoundAllocator = (input, timeLimitMs) => {
      sentBeforeSolve = statements.some((s) => s.some((t) => t.startsWith('sql:') && t.includes('left join lateral')));
      return allocateHere(input, timeLimitMs);
    };
    await prepareRound(db.withPlugin(plugin), round.id, undefined, { steps, allocate });
    expect((await getRound(db, round.id))?.status).toBe('planning');
    expect(sentBeforeSolve).toBe(true);
    expect(Object.keys(steps.ms)).toEqual(['lock', 'roster', 'claim', 'fleet', 'allocate.read', 'allocate.solve', 'allocate.unserved', 'allocate.holds', 'allocate', 'decompose.reads', 'decompose', 'insert', 'commit']);
  });
});
