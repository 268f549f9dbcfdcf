/** The demo district: hundreds of households, open needs of every kind, one login per role, seeded once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../src/domain/access';
import { NEED_KINDS } from '../../src/domain/need';
import { seedDemoDistrict, type SeedResult } from '../../src/demo/demo-district.seed';
import { systemClock } from '../../src/shared/clock';
import { dropSchema, migrateToLatest, openDatabase, type Database } from '../../src/store/db';

const PG_URL = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
let database: Database;
let first: SeedResult;

beforeAll(async () => {
  database = await openDatabase({ url: PG_URL, schema: `t_demo_${process.pid}_${Date.now().toString(36)}`, poolSize: 3 });
  await migrateToLatest(database);
  first = await seedDemoDistrict({ db: database.db, clock: systemClock }, { scryptCost: { N: 1024, r: 8, p: 1 } });
});
afterAll(async () => {
  await dropSchema(database);
  await database.close();
});

describe('demo district seed', () => {
  it('seeds hundreds of households, open needs of every kind and one login per role', async () => {
    expect(first.seeded).toBe(true);
    expect(first.households).toBeGreaterThanOrEqual(200);
    const kinds = await database.db.selectFrom('needs').select('kind').distinct().execute();
    expect(kinds.map((k) => k.kind).sort()).toEqual([...NEED_KINDS].sort());
    expect(first.logins.map((l) => l.role).sort()).toEqual([...ROLES].sort());
    const communities = await database.db.selectFrom('areas').select('id').where('kind', '=', 'community').execute();
    expect(communities.length).toBeGreaterThanOrEqual(4);
    const stock = await database.db.selectFrom('depot_stock').select('quantity').execute();
    expect(stock.length).toBeGreaterThan(0);
  });

  it('does nothing on a database that already has a grid', async () => {
    const before = await database.db.selectFrom('households').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const again = await seedDemoDistrict({ db: database.db, clock: systemClock });
    expect(again.seeded).toBe(false);
    const after = await database.db.selectFrom('households').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});
