/**
 * The webhooks queue's producer. One job is one attempt at the head of one endpoint's queue; its
 * id names the endpoint, the delivery and the attempt, so everyone who asks for that attempt (the
 * dispatcher's every poll, the job before it) adds the same job once, and only one attempt per
 * endpoint can be waiting or running at a time. Jobs are removed when done (the database keeps the
 * log), which frees their ids: a lost or failed job is simply added again by the next poll.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { WEBHOOK_JOB, WEBHOOK_QUEUE, webhookJobData, type WebhookJobData } from '../contracts/webhooks.contract';

export interface WebhookEnqueue {
  (jobs: readonly { data: WebhookJobData; delayMs: number }[]): Promise<void>;
}

export interface WebhookQueue {
  enqueue: WebhookEnqueue;
  queue: Queue;
  close(): Promise<void>;
}

export function webhookJobId(d: WebhookJobData): string {
  return `webhook-${d.endpointId}-${d.generation}-${d.deliveryId}-${d.attempt}`;
}

export function createWebhookQueue(redis: Redis, prefix: string): WebhookQueue {
  const queue = new Queue(WEBHOOK_QUEUE, {
    connection: redis,
    prefix,
    // Retries here cover only this process's faults (database or Redis away); a receiver's failure is
    // recorded and retried as the next attempt's job, with the webhook backoff.
    defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: true },
  });
  queue.on('error', () => undefined);
  return {
    queue,
    async enqueue(jobs) {
      if (jobs.length === 0) return;
      await queue.addBulk(jobs.map((j) => ({
        name: WEBHOOK_JOB,
        data: webhookJobData.parse(j.data),
        opts: { jobId: webhookJobId(j.data), ...(j.delayMs > 0 ? { delay: Math.ceil(j.delayMs) } : {}) },
      })));
    },
    close: () => queue.close(),
  };
}
