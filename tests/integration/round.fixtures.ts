/**
 * A small sealed district for the round tests: communities of corridors of households with
 * accepted needs, one depot and a fleet. Each test file gets its own Postgres schema.
 */
import { sql } from 'kysely';
import { dropSchema, migrateToLatest, openDatabase, type Database } from '../../src/store/db';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

export async function openTestDatabase(name: string): Promise<Database> {
  const schema = `t_${name.replace(/[^a-z0-9_]/g, '_')}_${process.pid}`;
  const database = await openDatabase({ url: DATABASE_URL, schema, poolSize: 10 });
  await dropSchema(database);
  await sql.raw(`create schema ${schema}`).execute(database.db);
  await migrateToLatest(database);
  return database;
}

export interface District {
  districtId: string;
  communityIds: string[];
  needIds: string[];
  vehicleIds: string[];
  depotId: string;
}

export interface DistrictSize {
  communities: number;
  corridorsPerCommunity: number;
  householdsPerCorridor: number;
  vehicles: number;
  /** Bags per vehicle. Default 60. */
  capacityBags?: number;
}

/** Deterministic pseudo-random numbers, so every run seeds the same district. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

export async function seedDistrict(database: Database, size: DistrictSize, seed = 7): Promise<District> {
  const db = database.db;
  const rand = rng(seed);
  const baseLat = 31.2;
  const baseLon = 121.45;
  const district = await db.insertInto('areas').values({ kind: 'district', parent_id: null, community_id: null, name: 'D', lat: baseLat, lon: baseLon }).returning('id').executeTakeFirstOrThrow();
  const depot = await db.insertInto('depots').values({ name: 'Depot', lat: baseLat, lon: baseLon }).returning('id').executeTakeFirstOrThrow();
  const communityIds: string[] = [];
  const households: { corridor_id: string; community_id: string; address: string; members: number; lat: number; lon: number }[] = [];
  for (let c = 0; c < size.communities; c++) {
    const cLat = baseLat + (rand() - 0.5) * 0.04;
    const cLon = baseLon + (rand() - 0.5) * 0.04;
    const community = await db.insertInto('areas').values({ kind: 'community', parent_id: district.id, community_id: null, name: `C${c}`, lat: cLat, lon: cLon }).returning('id').executeTakeFirstOrThrow();
    communityIds.push(community.id);
    const corridors = await db.insertInto('areas')
      .values(Array.from({ length: size.corridorsPerCommunity }, (_, k) => ({ kind: 'corridor' as const, parent_id: community.id, community_id: community.id, name: `C${c}-${k}`, lat: null, lon: null })))
      .returning('id').execute();
    for (const corridor of corridors) {
      const lat = cLat + (rand() - 0.5) * 0.01;
      const lon = cLon + (rand() - 0.5) * 0.01;
      for (let h = 0; h < size.householdsPerCorridor; h++) {
        households.push({ corridor_id: corridor.id, community_id: community.id, address: `${corridor.id}/${h}`, members: 1 + Math.floor(rand() * 5), lat, lon });
      }
    }
  }
  const needIds: string[] = [];
  for (let i = 0; i < households.length; i += 2000) {
    const rows = await db.insertInto('households').values(households.slice(i, i + 2000)).returning(['id', 'corridor_id', 'community_id']).execute();
    const needs = await db.insertInto('needs').values(rows.map((h) => ({
      household_id: h.id, corridor_id: h.corridor_id, community_id: h.community_id, kind: 'food_package', identity_key: '2026-W48',
      details: JSON.stringify({ cycle: '2026-W48' }), status: 'accepted', cycle: '2026-W48', failure_reason: null, created_by: 'test',
    }))).returning('id').execute();
    needIds.push(...needs.map((n) => n.id));
  }
  const vehicles = await db.insertInto('vehicles')
    .values(Array.from({ length: size.vehicles }, (_, v) => ({ depot_id: depot.id, name: `V${v}`, capacity: JSON.stringify({ bags: size.capacityBags ?? 60 }) })))
    .returning('id').execute();
  await db.insertInto('drivers').values(vehicles.map((_, i) => ({ depot_id: depot.id, name: `Driver ${i}` }))).execute();
  return { districtId: district.id, communityIds, needIds, vehicleIds: vehicles.map((v) => v.id), depotId: depot.id };
}

export async function needStatusCounts(database: Database, ids: string[]): Promise<Record<string, number>> {
  const rows = await database.db.selectFrom('needs').select(['status']).select((eb) => eb.fn.countAll<string>().as('n'))
    .where('id', 'in', ids).groupBy('status').execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
