/**
 * The guarded Redis store of the rate limiters, against a fake Redis (no I/O): a command that
 * never answers fails at the deadline, and a store whose start-up script load failed heals.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Options } from 'express-rate-limit';
import { GuardedRedisStore, type RedisCommandSender } from '../../src/http/rate-limit-store';
import { isAppError } from '../../src/shared/errors';

/** A fake Redis that understands just what rate-limit-redis sends. */
class FakeRedis implements RedisCommandSender {
  up = true;
  hang = false;
  private hits = new Map<string, number>();
  async call(command: string, ...args: string[]): Promise<unknown> {
    if (this.hang) return new Promise(() => undefined);
    if (!this.up) throw new Error('Connection is closed.');
    if (command === 'SCRIPT') return `sha-${args[1]?.length ?? 0}`;
    if (command === 'EVALSHA') {
      const key = args[2] as string;
      const n = (this.hits.get(key) ?? 0) + 1;
      this.hits.set(key, n);
      return [n, 60_000];
    }
    return 'OK';
  }
}

const options = { windowMs: 60_000 } as Options;

describe('GuardedRedisStore', () => {
  it('counts hits through Redis', async () => {
    const store = new GuardedRedisStore(new FakeRedis(), 'rl:t:', 100);
    store.init(options);
    expect((await store.increment('a')).totalHits).toBe(1);
    expect((await store.increment('a')).totalHits).toBe(2);
    expect((await store.increment('b')).totalHits).toBe(1);
  });

  it('a Redis that never answers fails at the deadline with AppError unavailable, never hangs', async () => {
    // A fake clock: the deadline is checked exactly, not against how busy the machine is.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const redis = new FakeRedis();
      const store = new GuardedRedisStore(redis, 'rl:t:', 100);
      store.init(options);
      await vi.advanceTimersByTimeAsync(0); // the scripts load (Redis still answers)
      redis.hang = true;
      let outcome: unknown = 'waiting';
      void store.increment('a').then(() => (outcome = 'answered'), (e: unknown) => (outcome = e));
      await vi.advanceTimersByTimeAsync(99);
      expect(outcome).toBe('waiting');
      // At the deadline, after the I/O already received (none here): one more turn of the loop.
      await vi.advanceTimersByTimeAsync(1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(isAppError(outcome) && outcome.code).toBe('unavailable');
    } finally {
      vi.useRealTimers();
    }
  });

  it('heals when Redis comes back, although its scripts failed to load at start-up', async () => {
    const redis = new FakeRedis();
    redis.up = false;
    const store = new GuardedRedisStore(redis, 'rl:t:', 100);
    store.init(options);
    await expect(store.increment('a')).rejects.toThrow(/unavailable/);
    redis.up = true;
    expect((await store.increment('a')).totalHits).toBe(1);
  });
});
