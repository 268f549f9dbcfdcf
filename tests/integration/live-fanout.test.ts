/**
 * Live fan-out timing (cordon_live_fanout_seconds): each event a Socket.IO server broadcasts to its
 * sockets is timed once per event and scope, from the envelope's `at` (stored) to the broadcast,
 * whatever the number of sockets (real Socket.IO, Redis stream, PostgreSQL event store).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timeFanout } from '../../src/live/fanout-timing';
import type { LivePublisher } from '../../src/services/live-status/live.service';
import { caughtUp, liveFixture, request, until, waitUntilServing, type LiveClient, type LiveFixture } from './live-harness';

let f: LiveFixture;
let publisher: LivePublisher;
let clients: LiveClient[];
const samples: number[] = [];

beforeAll(async () => {
  f = await liveFixture('fanout');
  const { url, live } = await f.startServer();
  expect(timeFanout(live.io, (seconds) => samples.push(seconds))).toBe(true);
  publisher = f.publisher();
  clients = [await f.connect(url, await f.login('admin')), await f.connect(url, await f.login('dispatcher'))];
  for (const c of clients) expect(await request(c, 'subscribe', { scope: 'dispatch' })).toMatchObject({ ok: true });
  await waitUntilServing(publisher, clients[0]!, 'dispatch');
  // Every probe published so far has been broadcast once the marker has arrived (one stream, in order).
  await caughtUp(publisher, clients.map((c) => [c, 'dispatch'] as const));
});

afterAll(async () => {
  for (const c of clients ?? []) c.disconnect();
  await f?.close();
});

describe('live fan-out timing', () => {
  it('times each event once, whatever the sockets, between its storing and its arrival', async () => {
    samples.length = 0;
    const published = Date.now();
    await publisher.publish(['dispatch'], { type: 'round.progress', roundId: 'timed', percent: 10, stage: 'routing' });
    await until(() => clients.every((c) => c.received.some((e) => e.event.type === 'round.progress' && e.event.roundId === 'timed')), 10_000, 'the timed event');
    const arrived = Date.now();
    expect(samples).toHaveLength(1);
    expect(samples[0]).toBeGreaterThanOrEqual(0);
    expect(samples[0]).toBeLessThanOrEqual((arrived - published) / 1000);
  });
});
