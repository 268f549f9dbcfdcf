/**
 * Redis connection settings, per role. Workers block on Redis and must wait out an outage
 * (`maxRetriesPerRequest: null`, as BullMQ requires); producers run inside API requests and must
 * fail fast instead (`enableOfflineQueue: false`), so the API answers 503 rather than hanging.
 */
import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';

export type RedisRole = 'worker' | 'producer';

export function redisOptions(role: RedisRole): RedisOptions {
  // Reconnect forever, backing off to 2 s: Redis coming back must heal every process on its own.
  const retryStrategy = (times: number): number => Math.min(100 * 2 ** times, 2000);
  if (role === 'worker') return { maxRetriesPerRequest: null, retryStrategy };
  // Auto-pipelining: the commands of one event-loop turn (rate-limit checks, live XADDs of many
  // requests) go out in one write instead of one each.
  return { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy, enableAutoPipelining: true };
}

/** Connection options handed to a BullMQ Worker (it opens its own blocking connection from these). */
export function workerConnection(url: string): ConnectionOptions {
  const { retryStrategy } = redisOptions('worker');
  return { url, maxRetriesPerRequest: null, retryStrategy: (times: number) => retryStrategy?.(times) ?? 1000 };
}

/** A shared producer connection for Queues and the FlowProducer of one process. */
export function createProducerRedis(url: string): Redis {
  const redis = new Redis(url, { ...redisOptions('producer'), lazyConnect: false });
  // Without a listener ioredis logs every failed reconnect to stderr; the caller watches `status`.
  redis.on('error', () => undefined);
  return redis;
}

/** `maxmemory-policy` of the server: anything but `noeviction` can silently drop job keys. */
export async function maxmemoryPolicy(redis: Redis): Promise<string> {
  const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
  return reply[1] ?? 'unknown';
}
