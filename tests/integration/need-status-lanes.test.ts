/**
 * The live relay's two lanes (issue #21): a district's bulk status changes (a cycle's entitlements)
 * no longer hold back one resident's change, which waited behind every one of them (4.2 s behind
 * 6,850 in the district-day bench). A need's changes still go out in order, across lanes and when
 * another relay holds one of them; nothing is lost and every scope's seq stays gap-free. The bulk
 * mark lasts for its transaction only. Real PostgreSQL schema, Redis, sockets.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scope, type Envelope, type LiveEventOf } from '../../src/contracts/events';
import type { NeedStatus } from '../../src/domain/need-status';
import { generateFoodEntitlements } from '../../src/services/needs/food-entitlement.service';
import { relayNeedStatusOnce, startNeedStatusRelay, type NeedStatusRelayDeps } from '../../src/services/needs/need-status-relay.service';
import { openDatabase, type Db } from '../../src/store/db';
import { insertAcceptedNeeds } from '../../src/store/need.repository';
import { markBulkLane } from '../../src/store/need-status-live.repository';
import { moveNeeds } from '../../src/store/round.repository';
import { liveFixture, logger, PG_URL, request, until, waitUntilServing, type LiveClient, type LiveFixture } from './live-harness';

const HOUSEHOLDS = 5000;
const BULK_BATCH = 200;

let f: LiveFixture;
let db: Db;
let chief: LiveClient;

type Change = LiveEventOf<'need.status_changed'>;
const isChange = (e: Envelope): boolean => e.event.type === 'need.status_changed';
const changeOf = (e: Envelope) => e.event as Change;

async function acceptNeed(householdIndex: 0 | 1 = 0): Promise<string> {
  const id = randomUUID();
  await insertAcceptedNeeds(db, [{
    id, householdId: f.grid.households[householdIndex], corridorId: f.grid.corridors[householdIndex], communityId: f.grid.community,
    kind: 'gas', identityKey: id, details: { cylinders: 1 }, urgency: 'routine', priority: 1, cycle: null, createdBy: 'test', at: new Date(), topics: [], audit: null,
  }]);
  return id;
}

const move = (executor: Db, ids: string[], from: NeedStatus, to: NeedStatus) => moveNeeds(executor, ids, from, to, 'test', null);
const inBulk = (work: (trx: Db) => Promise<unknown>) => db.transaction().execute(async (trx) => {
  await markBulkLane(trx);
  await work(trx);
});
const pending = async () => Number((await sql<{ n: string }>`select count(*)::text as n from need_status_live`.execute(db)).rows[0]!.n);
const drain = async (relay: NeedStatusRelayDeps) => {
  while ((await relayNeedStatusOnce(relay)) > 0);
};

/** `n` accepted needs whose changes are already out (and no longer in `sent`). */
async function acceptedAndOut(n: number, { relay, sent }: { relay: NeedStatusRelayDeps; sent: Change[] }): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(await acceptNeed());
  await drain(relay);
  sent.length = 0;
  return ids;
}

/** Another relay's transaction holding a pending change's row; `letGo` rolls it back (nothing published). */
async function holdPending(historyId: string): Promise<{ letGo(): Promise<void> }> {
  let locked!: () => void;
  const lockedNow = new Promise<void>((resolve) => (locked = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const holder = db.transaction().execute(async (trx) => {
    await sql`select history_id from need_status_live where history_id = ${historyId} for update`.execute(trx);
    locked();
    await released;
    throw new Error('rolled back');
  }).catch(() => undefined);
  await lockedNow;
  return { letGo: async () => { release(); await holder; } };
}

/** A publisher of the fixture's stream that records what it fans out, in order. */
function recording(): { relay: NeedStatusRelayDeps; sent: Change[] } {
  const sent: Change[] = [];
  const base = f.publisher();
  const publisher: NeedStatusRelayDeps['publisher'] = {
    storeMany: (trx, events) => base.storeMany(trx, events),
    release: async (staged) => {
      const envelopes = await base.release(staged);
      // One event per scope: count it once, by its household's (or its corridor's, with no household).
      sent.push(...envelopes.filter((e) => isChange(e) && e.scope === (changeOf(e).householdId ? scope.household(changeOf(e).householdId!) : e.scope)).map(changeOf));
      return envelopes;
    },
  };
  return { relay: { db, publisher, logger }, sent };
}

beforeAll(async () => {
  f = await liveFixture('needlanes');
  db = f.database.db as unknown as Db;
  const { url } = await f.startServer();
  chief = await f.connect(url, await f.login('coordinator', { corridorIds: [f.grid.corridors[0]] }));
  await request(chief, 'subscribe', { scope: scope.corridor(f.grid.corridors[0]) });
  await waitUntilServing(f.publisher(), chief, scope.corridor(f.grid.corridors[0]));
  // A corridor of a district's size: the first household of the grid and 5,000 more.
  await sql`insert into households (corridor_id, community_id, address, members, lat, lon)
    select ${f.grid.corridors[0]}, ${f.grid.community}, 'Lane ' || g, 1 + g % 6, 31.2, 121.4 from generate_series(1, ${HOUSEHOLDS}) g`.execute(db);
}, 60_000);

afterAll(async () => {
  await f?.close();
});

describe('need status lanes', () => {
  it("a resident's change goes out while a cycle's 5,000 entitlement changes are still being published, not after them; none is lost, the corridor's seqs have no gap", async () => {
    const created = (await generateFoodEntitlements({ db, foodCycleDays: 3 }, f.grid.community, { at: new Date('2026-11-23T06:00:00Z') })).created;
    expect(created).toBe(HOUSEHOLDS + 2);
    // The relay's first store is of a bulk batch: held there until the resident's change has committed.
    const base = f.publisher();
    let storing!: () => void;
    const firstStore = new Promise<void>((resolve) => (storing = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let stores = 0;
    const publisher: NeedStatusRelayDeps['publisher'] = {
      storeMany: async (trx, events) => {
        if (stores++ === 0) {
          storing();
          await released;
        }
        return base.storeMany(trx, events);
      },
      release: (staged) => base.release(staged),
    };
    const stop = startNeedStatusRelay({ db, publisher, logger }, { idlePollMs: 100, bulkBatch: BULK_BATCH });
    try {
      await firstStore;
      const resident = await acceptNeed();
      release();
      const onCorridor = () => chief.received.filter((e) => isChange(e) && e.scope === scope.corridor(f.grid.corridors[0]));
      await until(() => onCorridor().some((e) => changeOf(e).needId === resident), 30_000, "the resident's change on the chief's socket");
      const before = onCorridor().findIndex((e) => changeOf(e).needId === resident);
      // At most the bulk batch being stored when it committed; it used to come after all 5,001 of this corridor.
      expect(before).toBeLessThanOrEqual(BULK_BATCH);
      // This corridor's entitlements (the grid's first household and the 5,000) and the resident's need.
      await until(async () => onCorridor().length === HOUSEHOLDS + 1 + 1 && (await pending()) === 0, 60_000, "every change out, this corridor's on the chief's socket");
    } finally {
      await stop();
    }
    const changes = chief.received.filter(isChange).map(changeOf);
    expect(new Set(changes.map((c) => `${c.needId} ${c.status}`)).size).toBe(changes.length);
    const seqs = await sql<{ n: string; lo: string; hi: string }>`
      select count(*)::text as n, min(seq)::text as lo, max(seq)::text as hi from live_events where scope = ${scope.corridor(f.grid.corridors[0])}`.execute(db);
    const { n, lo, hi } = seqs.rows[0]!;
    expect(Number(hi) - Number(lo) + 1).toBe(Number(n));
  }, 120_000);

  it('a cancel committed while its plan still waits in the bulk lane goes out at once, after that plan, never before it', async () => {
    const rec = recording();
    const { relay, sent } = rec;
    const ids = await acceptedAndOut(30, rec);
    await inBulk((trx) => move(trx, ids, 'accepted', 'planned'));
    const late = ids[25]!;
    await move(db, [late], 'planned', 'cancelled');
    // Room for 5: the cancel, the plan it brings along, then the 3 oldest bulk ones.
    await relayNeedStatusOnce(relay, 5);
    expect(sent.slice(0, 2).map((c) => [c.needId, c.status])).toEqual([[late, 'planned'], [late, 'cancelled']]);
    expect(sent.slice(2).map((c) => c.status)).toEqual(['planned', 'planned', 'planned']);
    expect(sent.slice(2).some((c) => c.needId === late)).toBe(false);
    await drain(relay);
    expect(sent.filter((c) => c.needId === late).map((c) => c.status)).toEqual(['planned', 'cancelled']);
    expect(sent.filter((c) => c.status === 'planned').map((c) => c.needId).sort()).toEqual([...ids].sort());
  });

  it("a need whose earlier change another relay holds waits until that one is out, then goes out after it", async () => {
    const { relay, sent } = recording();
    const need = await acceptNeed();
    await drain(relay);
    sent.length = 0;
    await inBulk((trx) => move(trx, [need], 'accepted', 'planned'));
    await move(db, [need], 'planned', 'cancelled');
    const planned = (await sql<{ id: string }>`select l.history_id::text as id from need_status_live l join need_status_history h on h.id = l.history_id
      where h.need_id = ${need} and h.to_status = 'planned'`.execute(db)).rows[0]!.id;
    // Another relay's transaction holds the plan's row (and then lets it go without publishing it).
    const held = await holdPending(planned);
    await relayNeedStatusOnce(relay);
    expect(sent).toEqual([]);
    expect(await pending()).toBe(2);
    await held.letGo();
    await relayNeedStatusOnce(relay);
    expect(sent.map((c) => c.status)).toEqual(['planned', 'cancelled']);
  });

  it('takes the oldest pending changes first by number, also where their ids pass a power of ten (as text they would sort the other way)', async () => {
    const rec = recording();
    const { relay, sent } = rec;
    const ids = await acceptedAndOut(6, rec);
    // The next changes get ids 10^k - 3 .. 10^k + 2.
    const max = (await sql<{ id: string }>`select coalesce(max(id), 1)::text as id from need_status_history`.execute(db)).rows[0]!.id;
    await sql`select setval(pg_get_serial_sequence('need_status_history', 'id'), ${String(10n ** BigInt(max.length + 1) - 4n)}::bigint)`.execute(db);
    for (const id of ids) await move(db, [id], 'accepted', 'planned');
    await relayNeedStatusOnce(relay, 3);
    expect(sent.map((c) => c.needId)).toEqual(ids.slice(0, 3));
    await drain(relay);
    expect(sent.map((c) => c.needId)).toEqual(ids);
  });

  it('the running relay looks on past its last batch, and still takes a change it passed while another relay held it', async () => {
    const rec = recording();
    const { relay, sent } = rec;
    const ids = await acceptedAndOut(60, rec);
    await inBulk((trx) => move(trx, ids, 'accepted', 'planned'));
    // The oldest of them is held by another relay's transaction while this one runs.
    const oldest = (await sql<{ id: string }>`select history_id::text as id from need_status_live where bulk order by history_id limit 1`.execute(db)).rows[0]!.id;
    const held = await holdPending(oldest);
    const planned = () => sent.filter((c) => c.status === 'planned');
    const stop = startNeedStatusRelay(relay, { idlePollMs: 50, bulkBatch: 10 });
    try {
      await until(() => planned().length === ids.length - 1, 30_000, 'every change but the held one out');
      await held.letGo();
      await until(async () => planned().length === ids.length && (await pending()) === 0, 30_000, 'the held change out once let go');
    } finally {
      await stop();
    }
    expect(new Set(planned().map((c) => c.needId))).toEqual(new Set(ids));
  });

  it('the bulk mark lasts for its transaction only (a pooled connection is not left marked), and is refused outside a transaction', async () => {
    const { relay } = recording();
    const one = await openDatabase({ url: PG_URL, schema: f.database.schema, poolSize: 1 });
    try {
      const single = one.db as unknown as Db;
      const [a, b] = [await acceptNeed(), await acceptNeed()];
      await drain(relay);
      await single.transaction().execute(async (trx) => {
        await markBulkLane(trx);
        await move(trx, [a], 'accepted', 'planned');
      });
      await move(single, [b], 'accepted', 'planned');
      const lanes = await sql<{ need_id: string; bulk: boolean }>`select h.need_id::text as need_id, l.bulk from need_status_live l
        join need_status_history h on h.id = l.history_id where h.need_id in (${a}, ${b})`.execute(db);
      expect(Object.fromEntries(lanes.rows.map((r) => [r.need_id, r.bulk]))).toEqual({ [a]: true, [b]: false });
      await expect(markBulkLane(single)).rejects.toThrow(/needs a transaction/);
    } finally {
      await one.close();
    }
    await drain(relay);
  });
});
