/**
 * The auth fixture's district (real PostgreSQL, app on port 0) plus what passes need: a hospital
 * and one passenger vehicle with wheelchair and escort, driven by d1 (d2 is off duty so the
 * vehicle-driver pairing is known).
 */
import { ManualClock } from '../../src/shared/clock';
import { openDatabase } from '../../src/store/db';
import { lockTransportPlanning } from '../../src/store/pass-transport.repository';
import { PG_URL, startWorld, type World, type WorldOptions } from './auth.fixture';

export interface PassWorld extends World {
  clock: ManualClock;
  hospitalId: string;
  vehicleId: string;
  tokens: Record<'resident' | 'coordinator' | 'community_staff' | 'dispatcher' | 'driver' | 'admin', string>;
  /** Logs everyone in again (after the clock moved past the session lifetime). */
  relogin(): Promise<void>;
  json<T = Record<string, unknown>>(method: string, path: string, role: keyof PassWorld['tokens'] | null, body?: unknown): Promise<{ status: number; body: T }>;
}

export async function startPassWorld(name: string, start = '2026-03-01T06:00:00Z', options: Pick<WorldOptions, 'plugin'> = {}): Promise<PassWorld> {
  const clock = new ManualClock(start);
  const world = await startWorld(name, { ...options, clock, env: { PASS_SIGNING_SECRET: 'integration-test-secret-0123456789abcdef' } });
  const db = world.database.db;
  await db.updateTable('drivers').set({ active: false }).where('id', '=', world.grid.d2).execute();
  const depot = await db.selectFrom('depots').select('id').executeTakeFirstOrThrow();
  const vehicle = await db.insertInto('vehicles').values({ depot_id: depot.id, name: 'Van 1', capacity: JSON.stringify({ seats: 4 }), skills: ['wheelchair', 'escort'] })
    .returning('id').executeTakeFirstOrThrow();
  const tokens = {} as PassWorld['tokens'];
  const relogin = async () => {
    for (const role of ['resident', 'coordinator', 'community_staff', 'dispatcher', 'driver', 'admin'] as const) tokens[role] = await world.login(role);
  };
  await relogin();
  const json: PassWorld['json'] = async (method, path, role, body) => {
    const res = await world.request(method, path, { token: role ? tokens[role] : null, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as never };
  };
  const hospital = await json<{ id: string }>('POST', '/api/hospitals', 'admin', { name: 'City Hospital', lat: 31.23, lon: 121.43 });
  if (hospital.status !== 201) throw new Error(`hospital: ${hospital.status}`);
  return { ...world, clock, hospitalId: hospital.body.id, vehicleId: vehicle.id, tokens, relogin, json };
}

/**
 * Holds the transport-planning lock of `schema` from a connection of its own until released; `db`
 * is a second connection of that pool, free to watch who waits for the lock.
 */
export async function holdTransportLock(schema: string): Promise<{ db: Awaited<ReturnType<typeof openDatabase>>['db']; release(): Promise<void> }> {
  const holder = await openDatabase({ url: PG_URL, schema, poolSize: 2 });
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let held!: () => void;
  const holding = new Promise<void>((r) => (held = r));
  const tx = holder.db.transaction().execute(async (trx) => {
    await lockTransportPlanning(trx);
    held();
    await released;
  });
  await holding;
  let closed: Promise<void> | undefined;
  return { db: holder.db, release: () => (closed ??= (async () => { release(); await tx; await holder.close(); })()) };
}
