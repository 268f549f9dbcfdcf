/**
 * Default options of every job: retries with exponential backoff (a Redis or database fault heals),
 * and trimming, since BullMQ keeps finished jobs forever otherwise.
 */
import type { DefaultJobOptions } from 'bullmq';

export interface JobPolicy {
  /** Attempts before a job is failed for good. Default 5. */
  attempts?: number;
  /** First backoff delay in ms, doubled at each retry. Default 1000. */
  backoffMs?: number;
}

export function defaultJobOptions(policy: JobPolicy = {}): DefaultJobOptions {
  return {
    attempts: policy.attempts ?? 5,
    backoff: { type: 'exponential', delay: policy.backoffMs ?? 1000 },
    // Keep a day of successes (max 1,000) and a week of failures (max 5,000) for inspection.
    removeOnComplete: { age: 24 * 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
  };
}
