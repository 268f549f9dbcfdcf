/**
 * The notices queue's producer: one job per stored notice (id `notice-<id>`, so the workers' poll
 * adding a notice again while its job waits or retries adds nothing). BullMQ retries a channel
 * fault NOTICE_MAX_ATTEMPTS times with exponential backoff from NOTICE_BACKOFF_MS. Jobs are removed
 * when done (the notice row is the log), which frees their ids.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { NOTICE_JOB, NOTICE_QUEUE } from '../contracts/notices.contract';

export interface NoticeQueue {
  enqueue(noticeIds: readonly string[]): Promise<void>;
  queue: Queue;
  close(): Promise<void>;
}

export function createNoticeQueue(redis: Redis, prefix: string, retry: { attempts: number; backoffMs: number }): NoticeQueue {
  const queue = new Queue(NOTICE_QUEUE, {
    connection: redis,
    prefix,
    defaultJobOptions: { attempts: retry.attempts, backoff: { type: 'exponential', delay: retry.backoffMs }, removeOnComplete: true, removeOnFail: true },
  });
  queue.on('error', () => undefined);
  return {
    queue,
    async enqueue(ids) {
      if (ids.length === 0) return;
      await queue.addBulk(ids.map((noticeId) => ({ name: NOTICE_JOB, data: { noticeId }, opts: { jobId: `notice-${noticeId}` } })));
    },
    close: () => queue.close(),
  };
}
