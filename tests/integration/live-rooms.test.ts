/**
 * Who receives what: each role joins only the scopes its assignments allow, and receives only
 * the events of those scopes (real Socket.IO, Redis stream, PostgreSQL event store).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { scope, type LiveEvent, type Scope } from '../../src/contracts/events';
import type { LivePublisher } from '../../src/services/live-status/live.service';
import { liveFixture, request, until, waitUntilServing, type LiveClient, type LiveFixture } from './live-harness';

let f: LiveFixture;
let url: string;
let publisher: LivePublisher;

const progress = (roundId: string): LiveEvent => ({ type: 'round.progress', roundId, percent: 50, stage: 'routing' });
const realEvents = (c: LiveClient) => c.received.filter((e) => !(e.event.type === 'round.progress' && e.event.roundId === 'probe'));

beforeAll(async () => {
  f = await liveFixture('rooms');
  ({ url } = await f.startServer());
  publisher = f.publisher();
  // Make sure the server reads the stream before any test publishes.
  const admin = await f.connect(url, await f.login('admin'));
  await request(admin, 'subscribe', { scope: 'dispatch' });
  await waitUntilServing(publisher, admin, 'dispatch');
  admin.disconnect();
});

afterAll(async () => {
  await f?.close();
});

/**
 * Publishes one event to each scope, in order. Tests put the scope the client may join last: once
 * its event has arrived, so has anything published before it (one stream, read in order), and the
 * client's list is complete without waiting any longer.
 */
async function publishEach(scopes: Scope[]): Promise<void> {
  for (const s of scopes) await publisher.publish([s], progress(s.replace(':', '-')));
}

describe('scope isolation', () => {
  it('a coordinator joins and receives only their corridors', async () => {
    const [c1, c2] = f.grid.corridors;
    const coordinator = await f.connect(url, await f.login('coordinator', { corridorIds: [c1] }));
    expect(await request(coordinator, 'subscribe', { scope: scope.corridor(c1) })).toMatchObject({ ok: true });
    expect(await request(coordinator, 'subscribe', { scope: scope.corridor(c2) })).toEqual({ ok: false, error: 'forbidden' });
    expect(await request(coordinator, 'subscribe', { scope: scope.community(f.grid.community) })).toEqual({ ok: false, error: 'forbidden' });
    expect(await request(coordinator, 'subscribe', { scope: 'dispatch' })).toEqual({ ok: false, error: 'forbidden' });

    await publishEach([scope.corridor(c2), scope.community(f.grid.community), 'dispatch', scope.corridor(c1)]);
    await until(() => realEvents(coordinator).length >= 1, 3000, 'corridor event');
    expect(realEvents(coordinator).map((e) => e.scope)).toEqual([scope.corridor(c1)]);
  });

  it('a resident joins and receives only their household', async () => {
    const [h1, h2] = f.grid.households;
    const resident = await f.connect(url, await f.login('resident', { householdId: h1 }));
    expect(await request(resident, 'subscribe', { scope: scope.household(h1) })).toMatchObject({ ok: true });
    expect(await request(resident, 'subscribe', { scope: scope.household(h2) })).toEqual({ ok: false, error: 'forbidden' });
    expect(await request(resident, 'subscribe', { scope: scope.corridor(f.grid.corridors[0]) })).toEqual({ ok: false, error: 'forbidden' });

    await publishEach([scope.household(h2), scope.corridor(f.grid.corridors[0]), scope.household(h1)]);
    await until(() => realEvents(resident).length >= 1, 3000, 'household event');
    expect(realEvents(resident).map((e) => e.scope)).toEqual([scope.household(h1)]);
  });

  it('a driver joins and receives only their own batch', async () => {
    const [d1, d2] = f.grid.drivers;
    f.batches.set('batch-a', d1);
    f.batches.set('batch-b', d2);
    const driver = await f.connect(url, await f.login('driver', { driverId: d1 }));
    expect(await request(driver, 'subscribe', { scope: scope.batch('batch-a') })).toMatchObject({ ok: true });
    expect(await request(driver, 'subscribe', { scope: scope.batch('batch-b') })).toEqual({ ok: false, error: 'forbidden' });
    expect(await request(driver, 'subscribe', { scope: scope.batch('no-such-batch') })).toEqual({ ok: false, error: 'forbidden' });
    expect(await request(driver, 'subscribe', { scope: scope.household(f.grid.households[0]) })).toEqual({ ok: false, error: 'forbidden' });

    await publishEach([scope.batch('batch-b'), 'dispatch', scope.batch('batch-a')]);
    await until(() => realEvents(driver).length >= 1, 3000, 'batch event');
    expect(realEvents(driver).map((e) => e.scope)).toEqual([scope.batch('batch-a')]);
  });

  it('nobody subscribes to a session room, and bad requests are refused', async () => {
    const admin = await f.connect(url, await f.login('admin'));
    expect(await request(admin, 'subscribe', { scope: 'session:abc' })).toEqual({ ok: false, error: 'forbidden' });
    expect(await request(admin, 'subscribe', { scope: 'everything' })).toEqual({ ok: false, error: 'invalid' });
    expect(await request(admin, 'subscribe', { scope: 'dispatch', extra: 1 })).toEqual({ ok: false, error: 'invalid' });
  });

  it('a client flooding requests is answered rate_limited beyond its budget', async () => {
    const admin = await f.connect(url, await f.login('admin'));
    // The budget refills by the clock (10/s): stopped here, so what the server's own speed would
    // add back while it works through the flood is nothing, and the count is exact. Only Date is
    // faked: sockets, Redis and the database keep their real timers.
    vi.useFakeTimers({ toFake: ['Date'] });
    let answers: Awaited<ReturnType<typeof request<'subscribe'>>>[];
    try {
      answers = await Promise.all(Array.from({ length: 50 }, () => request(admin, 'subscribe', { scope: 'dispatch' })));
    } finally {
      vi.useRealTimers();
    }
    // Burst 30: the first 30 requests of a flood pass, the 20 after them are refused.
    expect(answers.filter((a) => !a.ok && a.error === 'rate_limited')).toHaveLength(20);
    expect(answers.filter((a) => a.ok)).toHaveLength(30);
  });

  it('a connection without a valid session token is refused', async () => {
    await expect(f.connect(url, 'not-a-token')).rejects.toThrow('unauthenticated');
  });
});
