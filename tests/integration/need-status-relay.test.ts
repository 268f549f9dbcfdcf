/**
 * Need status changes go out live from need_status_history, whoever wrote them: an accepted need,
 * a plan, a failure with a reason code. Only committed changes, each once (two relays share the
 * work), never the first `submitted` row or a free-text reason. Real PostgreSQL schema, Redis, sockets.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scope, type Envelope, type LiveEventOf } from '../../src/contracts/events';
import { relayNeedStatusOnce, startNeedStatusRelay, type NeedStatusRelayDeps } from '../../src/services/needs/need-status-relay.service';
import { insertAcceptedNeeds } from '../../src/store/need.repository';
import { upsertWasteRequest } from '../../src/store/waste.repository';
import { moveNeeds } from '../../src/store/round.repository';
import { caughtUp, liveFixture, logger, request, until, waitUntilServing, type LiveClient, type LiveFixture } from './live-harness';
import type { Db } from '../../src/store/db';

let f: LiveFixture;
let relay: NeedStatusRelayDeps;
let home: LiveClient;
let gate: LiveClient;

const changes = (c: LiveClient) => c.received.filter((e: Envelope) => e.event.type === 'need.status_changed').map((e) => e.event as LiveEventOf<'need.status_changed'>);

async function acceptNeed(kind: 'gas' | 'rice' | 'oil', details: Record<string, unknown>): Promise<string> {
  const id = randomUUID();
  const at = new Date();
  const [household] = f.grid.households;
  const [corridor] = f.grid.corridors;
  await insertAcceptedNeeds(f.database.db, [{
    id, householdId: household, corridorId: corridor, communityId: f.grid.community, kind, identityKey: id, details, urgency: 'routine', priority: 1, cycle: null,
    createdBy: 'test', at, topics: [], audit: null,
  }]);
  return id;
}
const move = (db: Kysely<unknown>, ids: string[], from: 'accepted' | 'planned', to: 'planned' | 'failed' | 'cancelled', reason?: string) =>
  moveNeeds(db as unknown as Db, ids, from, to, 'test', null, reason);

beforeAll(async () => {
  f = await liveFixture('needrelay');
  relay = { db: f.database.db, publisher: f.publisher(), logger };
  const { url } = await f.startServer();
  home = await f.connect(url, await f.login('resident', { householdId: f.grid.households[0] }));
  gate = await f.connect(url, await f.login('coordinator', { corridorIds: [f.grid.corridors[0]] }));
  await request(home, 'subscribe', { scope: scope.household(f.grid.households[0]) });
  await request(gate, 'subscribe', { scope: scope.corridor(f.grid.corridors[0]) });
  await waitUntilServing(f.publisher(), home, scope.household(f.grid.households[0]));
});

afterAll(async () => {
  await f?.close();
});

describe('need status relay', () => {
  it('an accepted need reaches the household and the corridor once; its first `submitted` row does not', async () => {
    const id = await acceptNeed('gas', { cylinders: 1 });
    expect(await relayNeedStatusOnce(relay)).toBe(1);
    expect(await relayNeedStatusOnce(relay)).toBe(0);
    for (const c of [home, gate]) await until(() => changes(c).some((e) => e.needId === id), 3000, 'accepted need');
    expect(changes(home).filter((e) => e.needId === id)).toEqual([
      { type: 'need.status_changed', needId: id, householdId: f.grid.households[0], status: 'accepted', previousStatus: 'submitted', kind: 'gas' },
    ]);
  });

  it('a corridor\'s waste pickup (no household) failed the relay\'s whole batch for ever, so no status went out live: now it reaches the corridor, and the household need beside it its household', async () => {
    const [corridor] = f.grid.corridors;
    const { request } = await upsertWasteRequest(f.database.db, {
      corridorId: corridor!, communityId: f.grid.community, identityKey: `ordinary-${randomUUID()}`, details: { bags: 3, estimatedKg: 12, category: 'ordinary' }, priority: 3, actor: 'test', at: new Date(),
    });
    const id = await acceptNeed('rice', { kg: 5 });
    expect(await relayNeedStatusOnce(relay)).toBe(2);
    await until(() => changes(gate).some((e) => e.needId === request.id) && changes(home).some((e) => e.needId === id), 3000, 'both changes');
    expect(changes(gate).filter((e) => e.needId === request.id)).toEqual([
      { type: 'need.status_changed', needId: request.id, householdId: null, status: 'accepted', previousStatus: 'submitted', kind: 'waste_pickup' },
    ]);
    expect(changes(home).some((e) => e.needId === request.id)).toBe(false);
  });

  it('a change rolled back is never published; a committed plan is', async () => {
    const id = await acceptNeed('rice', { kg: 5 });
    await relayNeedStatusOnce(relay);
    await f.database.db.transaction().execute(async (trx) => {
      await move(trx as unknown as Kysely<unknown>, [id], 'accepted', 'planned');
      await sql`select 1`.execute(trx);
      throw new Error('rolled back');
    }).catch(() => undefined);
    expect(await relayNeedStatusOnce(relay)).toBe(0);
    await move(f.database.db as unknown as Kysely<unknown>, [id], 'accepted', 'planned');
    expect(await relayNeedStatusOnce(relay)).toBe(1);
    await until(() => changes(home).some((e) => e.needId === id && e.status === 'planned'), 3000, 'planned need');
  });

  it('a failure carries its reason code; a free-text reason stays out of the event', async () => {
    const coded = await acceptNeed('oil', { litres: 2 });
    const freeText = await acceptNeed('gas', { cylinders: 2 });
    await move(f.database.db as unknown as Kysely<unknown>, [coded], 'accepted', 'failed', 'access_blocked');
    await move(f.database.db as unknown as Kysely<unknown>, [freeText], 'accepted', 'failed', 'resident in hospital for dialysis');
    while ((await relayNeedStatusOnce(relay)) > 0);
    await until(() => changes(home).filter((e) => e.status === 'failed').length === 2, 3000, 'two failures');
    expect(changes(home).find((e) => e.needId === coded && e.status === 'failed')?.reason).toBe('access_blocked');
    const leaked = changes(home).find((e) => e.needId === freeText && e.status === 'failed');
    expect(leaked).not.toHaveProperty('reason');
    expect(JSON.stringify(home.received)).not.toContain('dialysis');
  });

  it('two relays in parallel publish each change once', async () => {
    const ids = await Promise.all([acceptNeed('rice', { kg: 1 }), acceptNeed('oil', { litres: 1 }), acceptNeed('rice', { kg: 2 })]);
    await move(f.database.db as unknown as Kysely<unknown>, ids, 'accepted', 'cancelled');
    const other: NeedStatusRelayDeps = { ...relay, publisher: f.publisher() };
    let taken = 0;
    for (;;) {
      const [a, b] = await Promise.all([relayNeedStatusOnce(relay, 2), relayNeedStatusOnce(other, 2)]);
      taken += a + b;
      if (a + b === 0) break;
    }
    expect(taken).toBe(6); // accepted + cancelled, three needs
    await caughtUp(f.publisher(), [[home, scope.household(f.grid.households[0])]]);
    expect(changes(home).filter((e) => ids.includes(e.needId))).toHaveLength(6);
  });

  it("a need's live event does not wait for the relay's idle poll (it wakes on the trigger's NOTIFY)", async () => {
    // The idle poll is a minute: only the notification at commit can bring the event in time.
    const stop = startNeedStatusRelay(relay, { listen: f.database, idlePollMs: 60_000 });
    try {
      const id = await acceptNeed('oil', { litres: 3 });
      await until(() => changes(gate).some((e) => e.needId === id), 10_000, 'accepted need woken by NOTIFY');
    } finally {
      await stop();
    }
  });
});
