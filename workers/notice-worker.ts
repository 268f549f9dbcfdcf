/**
 * The notices in a workers process (issue #19, item 2): a poll (NOTICE_POLL_MS) that expands the
 * captured live events into each person's notices and queues those due, a BullMQ Worker on the
 * `notices` queue sending them (NOTICE_CONCURRENCY at once) and, once an hour, pruning the log.
 * Every workers process runs one, like the webhooks; they share the work through the database's
 * row locks and the queue. See src/services/notices/ for the design.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Config } from '../config/config';
import { NOTICE_JOB, NOTICE_QUEUE, noticeJobData } from '../src/contracts/notices.contract';
import { createNoticeQueue } from '../src/queue/notice-queue';
import { createProducerRedis, workerConnection } from '../src/queue/redis';
import { createSmsChannel, createWebPushChannel, inAppChannel, type NoticeChannelSender, type Send } from '../src/services/notices/notice-channels';
import { deliverNotice, type NoticeDeliveryDeps } from '../src/services/notices/notice-delivery.service';
import { expandNoticeEvents } from '../src/services/notices/notice-expand.service';
import { dueNotices, pruneNoticeLog } from '../src/services/notices/notice-log.service';
import { noticeSettingsFrom, type NoticeConfig } from '../src/services/notices/notice-settings';
import { systemClock, type Clock } from '../src/shared/clock';
import type { Logger } from '../src/shared/logger';
import type { Db } from '../src/store/db';
import { startPollLoop } from './poll-loop';

export interface NoticeWorker {
  worker: Worker;
  /** One poll now (tests): expand, then queue what is due. */
  poll(): Promise<void>;
  close(): Promise<void>;
}

export interface NoticeWorkerOptions {
  clock?: Clock;
  /** The HTTP attempt (tests may wrap it). Default: the SSRF-guarded sender. */
  send?: Send;
}

type WorkerConfig = NoticeConfig & Pick<Config, 'REDIS_URL' | 'QUEUE_PREFIX' | 'WORKER_LOCK_DURATION_MS' | 'WORKER_STALLED_INTERVAL_MS' | 'WORKER_DRAIN_DELAY_S'
  | 'NOTICE_MAX_ATTEMPTS' | 'NOTICE_BACKOFF_MS' | 'NOTICE_POLL_MS' | 'NOTICE_CONCURRENCY' | 'NOTICE_LOG_DAYS'>;

/** Captured events expanded per transaction. */
const EXPAND_BATCH = 500;

export function startNoticeWorker(config: WorkerConfig, logger: Logger, db: Db, options: NoticeWorkerOptions = {}): NoticeWorker {
  const log = logger.child({ queue: NOTICE_QUEUE });
  const clock = options.clock ?? systemClock;
  const settings = noticeSettingsFrom(config);
  const redis = createProducerRedis(config.REDIS_URL);
  const queue = createNoticeQueue(redis, config.QUEUE_PREFIX, { attempts: config.NOTICE_MAX_ATTEMPTS, backoffMs: config.NOTICE_BACKOFF_MS });
  const channels: NoticeDeliveryDeps['channels'] = { inapp: inAppChannel };
  if (config.NOTICE_SMS_URL) {
    channels.sms = createSmsChannel({
      url: config.NOTICE_SMS_URL, authHeader: config.NOTICE_SMS_AUTH_HEADER, bodyTemplate: config.NOTICE_SMS_BODY, contentType: config.NOTICE_SMS_CONTENT_TYPE,
      timeoutMs: config.NOTICE_TIMEOUT_MS, allowHosts: settings.allowHosts,
    }, options.send);
  }
  if (config.NOTICE_VAPID_PUBLIC_KEY && config.NOTICE_VAPID_PRIVATE_KEY) {
    channels.webpush = createWebPushChannel(db, {
      publicKey: config.NOTICE_VAPID_PUBLIC_KEY, privateKey: config.NOTICE_VAPID_PRIVATE_KEY, subject: config.NOTICE_VAPID_SUBJECT,
      ttlS: config.NOTICE_PUSH_TTL_S, timeoutMs: config.NOTICE_TIMEOUT_MS, allowHosts: settings.allowHosts,
    }, options.send) satisfies NoticeChannelSender;
  }
  const deps: NoticeDeliveryDeps = { db, clock, logger: log, settings, channels };

  const worker = new Worker(NOTICE_QUEUE, async (job: Job) => {
    const parsed = noticeJobData.safeParse(job.data);
    if (job.name !== NOTICE_JOB || !parsed.success) throw new UnrecoverableError(`bad ${job.name} job`);
    return deliverNotice(deps, parsed.data.noticeId, job.attemptsMade + 1 >= (job.opts.attempts ?? 1));
  }, {
    connection: workerConnection(config.REDIS_URL),
    prefix: config.QUEUE_PREFIX,
    concurrency: config.NOTICE_CONCURRENCY,
    lockDuration: Math.max(config.WORKER_LOCK_DURATION_MS, 3 * config.NOTICE_TIMEOUT_MS),
    stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
    drainDelay: config.WORKER_DRAIN_DELAY_S,
  });
  worker.on('error', (err) => log.warn({ err: err.message }, 'notice worker error (will reconnect)'));

  const poll = async () => {
    // A batch costs the same few statements whatever its size; each take scans past the rows
    // expanded since the last vacuum, so fewer, larger batches (a cycle's entitlements: 137,000).
    while ((await expandNoticeEvents({ db, clock, logger: log, settings }, EXPAND_BATCH)) === EXPAND_BATCH);
    // Redis away: the notices wait in the database, queued at a later poll.
    if (redis.status === 'ready') await queue.enqueue(await dueNotices(db, clock.now()));
  };
  const loop = startPollLoop(config.NOTICE_POLL_MS, log, 'notice poll failed; will retry', poll, () => pruneNoticeLog(db, clock.now(), config.NOTICE_LOG_DAYS));

  return {
    worker,
    poll,
    async close() {
      await loop.stop();
      await worker.close();
      await queue.close();
      redis.disconnect();
    },
  };
}
