/**
 * The outbound webhooks in a workers process (issue #19, item 1): the dispatcher's poll
 * (WEBHOOK_POLL_MS), a BullMQ Worker on the `webhooks` queue (WEBHOOK_CONCURRENCY endpoints at
 * once, each endpoint one attempt at a time by its job ids) and, once an hour, the delivery log's
 * pruning. Every workers process runs one; they share the work through the queue.
 * See src/services/webhooks/webhook-delivery.service.ts for the design.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Config } from '../config/config';
import { scope } from '../src/contracts/events';
import { WEBHOOK_JOB, WEBHOOK_QUEUE, webhookJobData } from '../src/contracts/webhooks.contract';
import { createProducerRedis, workerConnection } from '../src/queue/redis';
import { createWebhookQueue } from '../src/queue/webhook-queue';
import { createAuditService } from '../src/services/access/audit.service';
import type { LivePublisher } from '../src/services/live-status/live.service';
import { deliverHead, dispatchDue, pruneWebhookLog, type WebhookDeliveryDeps } from '../src/services/webhooks/webhook-delivery.service';
import { parseAllowHosts } from '../src/services/webhooks/webhook-target';
import { systemClock, type Clock } from '../src/shared/clock';
import type { Logger } from '../src/shared/logger';
import type { Db } from '../src/store/db';
import { startPollLoop } from './poll-loop';

export interface WebhookWorker {
  worker: Worker;
  /** One dispatcher pass now (tests). */
  dispatch(): Promise<number>;
  close(): Promise<void>;
}

export interface WebhookWorkerOptions {
  /** Publishes the `webhook.disabled` alert; without it the alert is the log line and audit row only. */
  publisher?: Pick<LivePublisher, 'publish'> | undefined;
  clock?: Clock;
}

type WebhookConfig = Pick<Config, 'REDIS_URL' | 'QUEUE_PREFIX' | 'WORKER_LOCK_DURATION_MS' | 'WORKER_STALLED_INTERVAL_MS' | 'WORKER_DRAIN_DELAY_S'
  | 'WEBHOOK_ALLOW_HOSTS' | 'WEBHOOK_TIMEOUT_MS' | 'WEBHOOK_MAX_FAILURES' | 'WEBHOOK_BACKOFF_MS' | 'WEBHOOK_BACKOFF_MAX_MS' | 'WEBHOOK_POLL_MS' | 'WEBHOOK_CONCURRENCY' | 'WEBHOOK_LOG_DAYS'>;

export function startWebhookWorker(config: WebhookConfig, logger: Logger, db: Db, options: WebhookWorkerOptions = {}): WebhookWorker {
  const log = logger.child({ queue: WEBHOOK_QUEUE });
  const clock = options.clock ?? systemClock;
  const redis = createProducerRedis(config.REDIS_URL);
  const queue = createWebhookQueue(redis, config.QUEUE_PREFIX);
  const audit = createAuditService({ db });
  const deps: WebhookDeliveryDeps = {
    db, clock, logger: log, enqueue: queue.enqueue,
    settings: {
      timeoutMs: config.WEBHOOK_TIMEOUT_MS, maxFailures: config.WEBHOOK_MAX_FAILURES, backoffMs: config.WEBHOOK_BACKOFF_MS,
      backoffMaxMs: config.WEBHOOK_BACKOFF_MAX_MS, allowHosts: parseAllowHosts(config.WEBHOOK_ALLOW_HOSTS),
    },
    async onDisabled(endpointId, failures, at) {
      await audit.record({ actor: null, action: 'webhook.disable', subjectType: 'webhook', subjectId: endpointId, outcome: 'allowed' }).catch(() => undefined);
      await options.publisher?.publish([scope.dispatch], { type: 'webhook.disabled', endpointId, consecutiveFailures: failures, at: at.toISOString() })
        .catch((err: unknown) => log.warn({ endpointId, err: (err as Error).message }, 'webhook.disabled alert not published'));
    },
  };

  const worker = new Worker(WEBHOOK_QUEUE, async (job: Job) => {
    const parsed = webhookJobData.safeParse(job.data);
    if (job.name !== WEBHOOK_JOB || !parsed.success) throw new UnrecoverableError(`bad ${job.name} job`);
    return deliverHead(deps, parsed.data);
  }, {
    connection: workerConnection(config.REDIS_URL),
    prefix: config.QUEUE_PREFIX,
    concurrency: config.WEBHOOK_CONCURRENCY,
    lockDuration: Math.max(config.WORKER_LOCK_DURATION_MS, 3 * config.WEBHOOK_TIMEOUT_MS),
    stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
    drainDelay: config.WORKER_DRAIN_DELAY_S,
  });
  worker.on('error', (err) => log.warn({ err: err.message }, 'webhook worker error (will reconnect)'));
  worker.on('failed', (job, err) => log.warn({ jobId: job?.id, err: err.message }, 'webhook job failed (the next poll queues it again)'));

  // Redis not up yet (or away): skip the dispatch this turn; the database keeps every delivery meanwhile.
  const poll = startPollLoop(config.WEBHOOK_POLL_MS, log, 'webhook dispatch failed; will retry',
    async () => (redis.status === 'ready' ? dispatchDue(deps) : 0),
    () => pruneWebhookLog(db, clock.now(), config.WEBHOOK_LOG_DAYS));

  return {
    worker,
    dispatch: () => dispatchDue(deps),
    async close() {
      await poll.stop();
      await worker.close();
      await queue.close();
      redis.disconnect();
    },
  };
}
