/**
 * LIVE_STREAM_NAME reaches the API, its Socket.IO server and its publishers, not only the workers.
 * Broke: the API read and wrote the default stream `socket.io` whatever the setting, so with it set
 * the workers' round progress and proposals reached no browser; and a deployment (or a test file)
 * sharing a Redis could not keep its live events apart from another's. Pages drop an envelope whose
 * seq is not above the last they saw in its scope, so another database's events on the same stream
 * made the e2e desk drop its own round's progress (stuck at 0 while the round was proposed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config';
import { scope } from '../../src/contracts/events';
import { serveApi, type RunningApi } from '../../src/service-startup';
import { openDatabase } from '../../src/store/db';
import { PG_URL, REDIS_URL, liveFixture, logger, request, until, waitUntilServing, type LiveClient, type LiveFixture } from './live-harness';

let f: LiveFixture;
let api: RunningApi | undefined;
let url: string;

beforeAll(async () => {
  f = await liveFixture('streamname');
  // The API on the fixture's schema and stream (its close() drops the stream and the queue keys, all under its prefix).
  const config = loadConfig({
    PORT: '0', HOST: '127.0.0.1', DATABASE_URL: PG_URL, DATABASE_SCHEMA: f.prefix, REDIS_URL, REDIS_AUTOSTART: 'off',
    LOG_LEVEL: 'silent', NODE_ENV: 'test', QUEUE_PREFIX: f.prefix, LIVE_STREAM_NAME: `${f.prefix}:stream`,
  });
  api = await serveApi(config, logger, await openDatabase({ url: PG_URL, schema: f.prefix, poolSize: 5 }));
  url = `http://127.0.0.1:${api.port}`;
});
afterAll(async () => {
  await api?.stop();
  await f?.close();
});

async function deskClient(): Promise<LiveClient> {
  const desk = await f.connect(url, await f.login('dispatcher'));
  expect(await request(desk, 'subscribe', { scope: scope.dispatch })).toMatchObject({ ok: true });
  return desk;
}

describe('LIVE_STREAM_NAME', () => {
  it("the API's Socket.IO server reads it: what the workers publish there reaches the desk", async () => {
    const desk = await deskClient();
    // A publisher on the configured stream, as the workers' (workers/runtime.ts) is.
    await waitUntilServing(f.publisher(), desk, scope.dispatch);
  });

  it("the API's services publish to it: a risk change made over HTTP reaches the desk", async () => {
    const desk = await deskClient();
    await waitUntilServing(f.publisher(), desk, scope.dispatch);
    const corridor = f.grid.corridors[0];
    const res = await fetch(`${url}/api/areas/${corridor}/risk`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await f.login('admin')}` },
      body: JSON.stringify({ riskColour: 'red', reason: 'Case in unit 1' }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    await until(() => desk.received.some((e) => e.event.type === 'area.risk_changed' && e.event.areaId === corridor), 10_000, 'area.risk_changed on the desk');
  });
});
