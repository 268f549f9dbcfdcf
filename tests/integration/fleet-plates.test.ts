/**
 * The fleet in plans (issue #15, item 3): a round plans only vehicles available for its whole shift
 * (availability windows), and what people read names each vehicle with its plate: the proposal's
 * trips, the driver's batches.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plateKey } from '../../src/domain/fleet';
import { driverBatches } from '../../src/services/deliveries/driver-batches.service';
import { solveSubproblem } from '../../src/services/rounds/round-solve.service';
import { proposalView } from '../../src/services/rounds/round-view';
import { approveRound, dispatchRound, mergeRound, startRound } from '../../src/services/rounds/round.service';
import { dropSchema, type Database } from '../../src/store/db';
import { listSubproblems } from '../../src/store/round.repository';
import { openTestDatabase, seedDistrict, type District } from './round.fixtures';

let database: Database;
let district: District;
const producers = { ready: () => true, addRoundFlow: async () => undefined };
const HOUR = 3_600_000;
const window = (fromH: number, untilH: number) => ({ from: new Date(Date.now() + fromH * HOUR).toISOString(), until: new Date(Date.now() + untilH * HOUR).toISOString() });

beforeAll(async () => {
  database = await openTestDatabase('fleet_plates');
  district = await seedDistrict(database, { communities: 2, corridorsPerCommunity: 4, householdsPerCorridor: 3, vehicles: 4, capacityBags: 40 });
  const [v0, v1, v2, v3] = district.vehicleIds;
  const set = (id: string | undefined, plate: string, availability: unknown[]) =>
    database.db.updateTable('vehicles').set({ plate, availability: JSON.stringify(availability) }).where('id', '=', id!).execute();
  await set(v0, '沪A·10000', []); // always available
  await set(v1, '沪A·10001', [window(-1, 10)]); // covers the whole shift
  await set(v2, '沪A·10002', [window(-1, 3)]); // back in the garage mid-shift
  await set(v3, '沪A·10003', [window(-48, -24), window(2, 30)]); // not yet there
});
afterAll(async () => {
  await dropSchema(database);
  await database.close();
});

describe('fleet in plans', () => {
  it('the database’s plate key is the domain’s', async () => {
    const rows = await sql<{ plate: string; plate_key: string }>`select plate, plate_key from vehicles order by plate`.execute(database.db);
    for (const r of rows.rows) expect(r.plate_key).toBe(plateKey(r.plate));
    expect(plateKey(' 沪a-10 00.1 ')).toBe('沪A10001');
  });

  it('plans only vehicles available for the whole shift, and proposal and batches show name and plate', async () => {
    const deps = { db: database.db, producers, defaultTimeLimitMs: 200 };
    const { round } = await startRound(deps, { areaId: district.districtId, kind: 'food', actor: 'dispatcher-1' });
    const subs = await listSubproblems(database.db, round.id);
    const given = new Set(subs.flatMap((s) => s.vehicle_ids));
    expect([...given].sort()).toEqual([district.vehicleIds[0], district.vehicleIds[1]].sort());

    for (const s of subs) await solveSubproblem({ db: database.db, now: () => performance.now() }, round.id, s.id);
    expect(await mergeRound(database.db, round.id)).toBe('stored');
    const proposal = await proposalView(database.db, round.id);
    expect(proposal.trips.length).toBeGreaterThan(0);
    for (const trip of proposal.trips) {
      const i = district.vehicleIds.indexOf(trip.vehicleId);
      expect(trip.vehiclePlate).toBe(`沪A·1000${i}`);
      expect(trip.vehicleName).toBe(`V${i} (沪A·1000${i})`);
    }

    await approveRound(database.db, round.id, 'dispatcher-1');
    await dispatchRound(database.db, round.id, 'dispatcher-1');
    const driverId = (await database.db.selectFrom('round_trips').select('driver_id').where('round_id', '=', round.id).where('driver_id', 'is not', null).executeTakeFirstOrThrow()).driver_id!;
    const batches = await driverBatches(database.db, driverId);
    expect(batches.length).toBeGreaterThan(0);
    for (const b of batches) {
      expect(b.vehicleName).toMatch(/^V[01] \(沪A·1000[01]\)$/);
      expect(b.depotName).toBe('Depot');
    }
  });
});
