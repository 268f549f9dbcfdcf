import { afterAll, describe, expect, it } from 'vitest';
import { QUEUE, jobId } from '../../src/contracts/jobs';
import { createProducers } from '../../src/queue/producers';
import { AppError } from '../../src/shared/errors';
import { REDIS_URL, dropPrefix, startPrivateRedis, uniquePrefix, until } from './queue.fixtures';

const prefix = uniquePrefix('producers');
const producers = createProducers({ redisUrl: REDIS_URL, prefix });

afterAll(async () => {
  await producers.close();
  await dropPrefix(REDIS_URL, prefix);
});

describe('typed producers', () => {
  it('adds a job once per deterministic id, trimmed and retried by default', async () => {
    await until(() => producers.ready(), 3000);
    const id = jobId('need.accepted', '42');
    await Promise.all(Array.from({ length: 20 }, () => producers.add('need.accepted', { needId: '42' }, { id })));
    const q = producers.queue(QUEUE.needs);
    expect(await q.count()).toBe(1);
    const job = await q.getJob(id);
    expect(job?.data).toEqual({ needId: '42' });
    expect(job?.opts.attempts).toBe(5);
    expect(job?.opts.backoff).toEqual({ type: 'exponential', delay: 1000 });
    expect(job?.opts.removeOnComplete).toBeTruthy();
    expect(job?.opts.removeOnFail).toBeTruthy();
  });

  it('refuses a payload that breaks its contract before it reaches Redis', async () => {
    const bad = { needId: '1', drug: 'x' } as unknown as { needId: string };
    await expect(producers.add('need.accepted', bad, { id: 'need-accepted-bad' })).rejects.toThrow();
    expect(await producers.queue(QUEUE.needs).getJob('need-accepted-bad')).toBeUndefined();
  });

  it('job ids never contain ":" nor are all digits', () => {
    expect(jobId('round.solve', '12', '3')).toBe('round-solve-12-3');
    expect(() => jobId('round.merge', 'a:b')).toThrow();
  });

  it('answers unavailable at once while its Redis is down, then recovers', async () => {
    const redis = await startPrivateRedis();
    const p = createProducers({ redisUrl: redis.url, prefix });
    try {
      await until(() => p.ready(), 3000);
      await p.add('need.accepted', { needId: '1' }, { id: 'need-accepted-1' });
      await redis.stop();
      // Whether or not the client has noticed yet, the call answers 503 (at worst after the
      // producer's bounded wait)...
      const err = await p.add('need.accepted', { needId: '2' }, { id: 'need-accepted-2' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).status).toBe(503);
      // ...and once it has, a call is refused at once: the refusal, not the wait ('did not answer in ...').
      await until(() => !p.ready(), 10_000);
      await expect(p.add('need.accepted', { needId: '2' }, { id: 'need-accepted-2' }))
        .rejects.toMatchObject({ code: 'unavailable', status: 503, message: expect.stringMatching(/^queue unavailable/) });
      const again = await startPrivateRedis(redis.port);
      try {
        await until(() => p.ready(), 5000);
        await p.add('need.accepted', { needId: '3' }, { id: 'need-accepted-3' });
        expect(await p.queue(QUEUE.needs).count()).toBe(1); // a fresh, empty server
      } finally {
        await again.stop();
      }
    } finally {
      await p.close();
      await redis.stop();
    }
  });
});
