/**
 * The rate limiters' Redis deadline against a busy event loop: an answer that arrived in time, while
 * this process was busy for longer than the deadline, is taken, not refused (before: login 503 on a
 * service starting under load). A Redis that does not answer still fails at the deadline
 * (tests/unit/access-rate-limit.test.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { Options } from 'express-rate-limit';
import { GuardedRedisStore } from '../../src/http/rate-limit-store';
import { REDIS_URL, dropPrefix, uniquePrefix } from './queue.fixtures';

const prefix = uniquePrefix('rlbusy');
const redis = new Redis(REDIS_URL);

afterAll(async () => {
  redis.disconnect();
  await dropPrefix(REDIS_URL, prefix);
});

/** Holds this event loop for `ms`: long enough for Redis to answer meanwhile. */
function busyFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('rate limiter store on a busy loop', () => {
  it('takes an answer that came while the loop was held past the deadline', async () => {
    const store = new GuardedRedisStore(redis, `${prefix}:`, 50);
    store.init({ windowMs: 60_000 } as Options);
    expect((await store.increment('warm')).totalHits).toBe(1); // scripts loaded, connection up
    const hit = store.increment('a');
    // One turn for the command to go out, then the loop is held 30 times the deadline while Redis answers.
    await new Promise((resolve) => setImmediate(resolve));
    busyFor(1500);
    expect((await hit).totalHits).toBe(1);
  });
});
