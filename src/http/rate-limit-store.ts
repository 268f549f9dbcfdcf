/**
 * The Redis store of express-rate-limit (rate-limit-redis), guarded so a Redis fault never hangs
 * a request and never sticks:
 *  - every command gets a deadline (a client with an offline queue would otherwise hold the
 *    request until Redis comes back);
 *  - rate-limit-redis loads its Lua scripts once, in `init`; if Redis was down then, the rejected
 *    load is kept and every later call fails even after Redis is back. After any error the next
 *    call starts a fresh inner store, so the limiter heals on the first request after Redis returns.
 * Errors surface as AppError 'unavailable'; whether that refuses the request (fail closed) or lets
 * it through (fail open) is the limiter's `passOnStoreError`, decided per route in rate-limit.ts.
 */
import type { Options, Store, IncrementResponse, ClientRateLimitInfo } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import { AppError } from '../shared/errors';

/** The one method we need from an ioredis client (`redis.call`), so this file needs no Redis import. */
export interface RedisCommandSender {
  call(command: string, ...args: string[]): Promise<unknown>;
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    // The refusal waits for the I/O already received: on a loop held longer than `ms` (a start-up
    // under load, a PGlite migration), the answer and the deadline are due together, and timers run
    // before sockets are read, so an answer that came in time was refused (login 503 on a busy host).
    timer = setTimeout(() => setImmediate(() => reject(new Error(`redis command took longer than ${ms} ms`))), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

export class GuardedRedisStore implements Store {
  readonly localKeys = false;
  private inner: RedisStore;
  private options: Options | undefined;
  private broken = false;

  constructor(
    private readonly redis: RedisCommandSender,
    readonly prefix: string,
    private readonly timeoutMs: number,
  ) {
    this.inner = this.freshInner();
  }

  init(options: Options): void {
    this.options = options;
    this.inner = this.freshInner();
  }

  async increment(key: string): Promise<IncrementResponse> {
    return this.guard(() => this.inner.increment(key));
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    return this.guard(() => this.inner.get(key));
  }

  async decrement(key: string): Promise<void> {
    await this.guard(() => this.inner.decrement(key));
  }

  async resetKey(key: string): Promise<void> {
    await this.guard(() => this.inner.resetKey(key));
  }

  private freshInner(): RedisStore {
    const store = new RedisStore({
      prefix: this.prefix,
      sendCommand: (command: string, ...args: string[]) =>
        withDeadline(this.redis.call(command, ...args), this.timeoutMs) as Promise<RedisReply>,
    });
    if (this.options) {
      // The failure, if any, shows again (and is reported) on the next increment.
      store.init(this.options).catch(() => undefined);
    }
    return store;
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    // Rebuild at the next call, not right away: a rebuild now would load its scripts while Redis
    // is still down, and keep failing once it is back.
    if (this.broken) {
      this.inner = this.freshInner();
      this.broken = false;
    }
    try {
      return await work();
    } catch (err) {
      this.broken = true;
      throw new AppError('unavailable', 'rate limiter unavailable', { cause: err });
    }
  }
}
