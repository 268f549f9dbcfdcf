/**
 * Starts the workers of one process: checks Redis, opens the database, runs one BullMQ Worker per
 * served queue (solves in sandboxed children), the outbox relay and the reconciler. `close()` stops
 * taking jobs, lets the active ones finish, and closes every connection.
 * Given the caller's database (`npm start`, workers inline), it uses that one and leaves it open;
 * with PGlite, whose one connection lives in this process, solves run in process, their search on a
 * worker thread (see processors and solve-thread.ts).
 */
import { fileURLToPath } from 'node:url';
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Config } from '../config/config';
import { QUEUE, type QueueName } from '../src/contracts/jobs';
import { createProducers, type Producers } from '../src/queue/producers';
import { createProducerRedis, maxmemoryPolicy, redisOptions, workerConnection } from '../src/queue/redis';
import type { Logger } from '../src/shared/logger';
import { migrateToLatest, openDatabase, type Database } from '../src/store/db';
import { relayOnce, startRelayLoop } from '../src/services/needs/outbox-relay.service';
import { reconcile } from '../src/services/rounds/reconcile.service';
import { failRound } from '../src/services/rounds/round.service';
import { createLivePublisher } from '../src/services/live-status/live.service';
import { createLiveStream } from '../src/services/live-status/live-stream';
import { createRoundEvents, silentRoundEvents, urgentAlert, type RoundEvents } from '../src/services/rounds/round-events.service';
import { insertUrgentAndNotify } from '../src/services/deliveries/driver-events';
import { systemClock } from '../src/shared/clock';
import { asDatabaseFailure, redisUnavailable } from '../src/startup-errors';
import { bindSharedGauges } from '../src/services/ops/ops-gauges.service';
import { createMetrics, type Metrics } from '../src/shared/metrics';
import { recordJobMetrics, roundStoredRecorder, workersHeartbeat } from './job-metrics';
import { inProcessProcessor } from './processors';
import { jobLogFields } from './job-log';
import { createSolveThread } from './solve-thread';
import { SOLVE_CHILD_PARENT_ENV } from './parent-watchdog';
import { startWebhookWorker } from './webhook-worker';
import { startNoticeWorker } from './notice-worker';
import { WEBHOOK_QUEUE } from '../src/contracts/webhooks.contract';
import { NOTICE_QUEUE } from '../src/contracts/notices.contract';
import { driverLimitsOf } from '../src/services/fleet/roster-settings';

export interface WorkerRuntime {
  workers: Worker[];
  /** The database the workers use (the caller's when shared). */
  database: Database;
  /** Where the workers record (the caller's registry when given one, as with WORKERS=inline). */
  metrics: Metrics;
  /** Throws unless every worker can take jobs (readiness' `workers` check). */
  heartbeat(): Promise<void>;
  /** True while the producer connection to Redis is up. */
  redisReady(): boolean;
  close(): Promise<void>;
}

export class EvictionPolicyError extends Error {
  override readonly name = 'EvictionPolicyError';
}

/** Refuses (or, when allowed, warns loudly) unless Redis keeps every key: evicted job keys are lost jobs. */
export async function checkRedisPolicy(url: string, allowEviction: boolean, logger: Logger): Promise<string> {
  const redis = new Redis(url, { ...redisOptions('worker'), lazyConnect: true });
  let refusal = 'connection failed';
  redis.on('error', (err: Error & { code?: string }) => (refusal = err.code ?? err.message));
  try {
    await redis.connect().catch(() => {
      throw redisUnavailable(url, refusal);
    });
    const policy = await maxmemoryPolicy(redis);
    if (policy !== 'noeviction') {
      const message = `Redis maxmemory-policy is "${policy}", not "noeviction": Redis may evict job keys and lose planning work`;
      if (!allowEviction) throw new EvictionPolicyError(`${message}. Set maxmemory-policy noeviction, or WORKER_ALLOW_EVICTION=1 to run anyway.`);
      logger.warn({ policy }, `!!! ${message} (running anyway: WORKER_ALLOW_EVICTION=1) !!!`);
    }
    return policy;
  } finally {
    redis.disconnect();
  }
}

const SOLVE_CHILD_PRELOAD = new URL('./solve-child.preload.ts', import.meta.url).href;

/** Node flags for the sandboxed children: they must load TypeScript like this process does. */
export function childExecArgv(): string[] {
  const argv = process.execArgv.filter((a) => !a.startsWith('--inspect'));
  return argv.some((a) => a.includes('tsx')) ? argv : [...argv, '--import', 'tsx'];
}

/**
 * `metrics`: record into this registry (the API's, with WORKERS=inline, so one /metrics shows both);
 * default a registry of the runtime's own. Either way the queue and database gauges are bound to it.
 */
export async function startWorkerRuntime(config: Config, logger: Logger, shared?: Database, options: { metrics?: Metrics } = {}): Promise<WorkerRuntime> {
  const metrics = options.metrics ?? createMetrics();
  await checkRedisPolicy(config.REDIS_URL, config.WORKER_ALLOW_EVICTION, logger);
  let database: Database;
  try {
    database = shared ?? await openDatabase({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, dataDir: config.DATA_DIR, poolSize: 5 });
    if (!shared) await migrateToLatest(database);
  } catch (err) {
    throw asDatabaseFailure(err, config.DATABASE_URL);
  }
  // A sandboxed child cannot reach PGlite (it cannot open the data directory a second time): the job
  // runs here, its data read and stored on this connection, and the search itself goes to a worker
  // thread, so the API sharing this process and the job lock renewals never wait for it.
  const inlineSolve = database.kind === 'pglite';
  // The planning thread: the solves with PGlite, at PLANNING_NICE.
  const planningThread = createSolveThread({ nice: config.PLANNING_NICE });
  // A round's stock allocation and its merge have a thread of their own at the process's priority:
  // seconds of CPU each for a district, and the round's every later step waits for them. At the
  // planning thread's lower priority a busy district day stretched the allocation's 3 s to 78 s (issue #21).
  const roundThread = createSolveThread();
  const producers = createProducers({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX });
  const liveRedis = config.LIVE_EVENTS ? createProducerRedis(config.REDIS_URL) : undefined;
  // The publisher stores into its own tables through the same connection (typed as a bare Kysely).
  const live = liveRedis && createLivePublisher({ db: database.db, stream: createLiveStream(liveRedis, { streamName: config.LIVE_STREAM_NAME }), clock: systemClock, logger });
  const events: RoundEvents = live ? createRoundEvents({ db: database.db, clock: systemClock, logger, live }) : silentRoundEvents;
  // An urgent need placed in a round: the desk's alert and the driver's event, stored with it.
  const insertUrgent = (needId: string) => insertUrgentAndNotify({ db: database.db, publisher: live }, needId, urgentAlert(needId, systemClock));
  const deps = {
    db: database.db, producers, logger, events, insertUrgent, defaultTimeLimitMs: config.SOLVE_TIME_LIMIT_MS,
    schedule: { food: config.ROUND_EVERY_FOOD_H, medicine: config.ROUND_EVERY_MEDICINE_H, waste: config.ROUND_EVERY_WASTE_H },
    foodCycleDays: config.FOOD_CYCLE_DAYS,
    driverLimits: driverLimitsOf(config),
    ...(inlineSolve ? { inlineSolve: planningThread.solve } : {}),
    merge: roundThread.merge,
    allocate: roundThread.allocate,
    keepPool: config.SOLVE_POOL_ROUTES,
    onRoundStored: roundStoredRecorder(metrics),
    ...(config.MERGE_SET_PARTITIONING ? { setPartitioning: { maxMs: config.MERGE_SP_TIME_LIMIT_MS } } : {}),
  };
  const common = {
    connection: workerConnection(config.REDIS_URL),
    prefix: config.QUEUE_PREFIX,
    lockDuration: config.WORKER_LOCK_DURATION_MS,
    stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
    maxStalledCount: config.WORKER_MAX_STALLED,
    drainDelay: config.WORKER_DRAIN_DELAY_S,
  };
  const workers: Worker[] = [];
  for (const queue of config.WORKER_QUEUES) {
    const worker = queue === QUEUE.solve && !inlineSolve
      ? new Worker(queue, fileURLToPath(new URL('./solve.processor.ts', import.meta.url)), {
          ...common, concurrency: config.WORKER_SOLVE_CONCURRENCY,
          // The child watches for this process's end from its first moment (parent-watchdog.ts).
          workerForkOptions: {
            execArgv: [...childExecArgv(), '--import', SOLVE_CHILD_PRELOAD],
            env: { ...process.env, [SOLVE_CHILD_PARENT_ENV]: String(process.pid) },
          },
        })
      : new Worker(queue, inProcessProcessor(queue, deps), { ...common, concurrency: concurrencyOf(queue) });
    watch(worker, queue, deps.db, logger, (err) => childCause(err, producers, config.QUEUE_PREFIX));
    recordJobMetrics(worker, queue, metrics);
    if (queue === QUEUE.solve) {
      worker.on('completed', (job: Job) => void events.progress((job.data as { roundId: string }).roundId));
    }
    workers.push(worker);
  }
  // The producers refuse commands until their connection is up: let it come up, so the first relay
  // and the start-up reconcile go through instead of failing and waiting for their next turn.
  for (const start = Date.now(); !producers.ready() && Date.now() - start < 10_000;) await new Promise((r) => setTimeout(r, 20));
  bindSharedGauges(metrics, { db: database.db, producers });
  // Intake's outbox insert wakes it by NOTIFY; OUTBOX_POLL_MS is the fallback poll.
  const relay = startRelayLoop(deps, { idlePollMs: config.OUTBOX_POLL_MS, listen: database });
  // Outbound webhooks: delivered from the database's queue of each endpoint (webhook-worker.ts).
  const webhooks = startWebhookWorker(config, logger, database.db, {
    publisher: liveRedis && createLivePublisher({ db: database.db, stream: createLiveStream(liveRedis, { streamName: config.LIVE_STREAM_NAME }), clock: systemClock, logger }),
  });
  // Notices (SMS, web push): expanded from the captured live events and sent (notice-worker.ts).
  const notices = startNoticeWorker(config, logger, database.db);
  // Measured and counted in readiness like the planning workers: a webhook or notice worker that stopped taking jobs makes /readyz 503.
  recordJobMetrics(webhooks.worker, WEBHOOK_QUEUE, metrics);
  recordJobMetrics(notices.worker, NOTICE_QUEUE, metrics);
  // Whatever Redis lost (flushed, restarted empty, evicted) comes back from the database: at start-up,
  // on every reconnect, and on a local timer, which unlike a repeatable job survives a flush.
  // One pass at a time: a pass can wait on a long round preparation, and passes piling up behind it
  // every RECONCILE_EVERY_MS would each hold a database connection (issue #21).
  let reconciling: Promise<void> | undefined;
  const runReconcile = (why: string) =>
    (reconciling ??= reconcile(deps)
      .then(() => undefined, (err: unknown) => logger.error({ err: (err as Error).message, why }, 'reconcile failed; will run again'))
      .finally(() => (reconciling = undefined)));
  await runReconcile('startup');
  producers.onReconnect(() => void runReconcile('reconnect'));
  const timer = config.RECONCILE_EVERY_MS > 0 ? setInterval(() => void runReconcile('timer'), config.RECONCILE_EVERY_MS) : undefined;
  logger.info({ queues: config.WORKER_QUEUES, prefix: config.QUEUE_PREFIX }, 'workers started');
  return {
    workers,
    database,
    metrics,
    heartbeat: () => workersHeartbeat([...workers, webhooks.worker, notices.worker]),
    redisReady: () => producers.ready(),
    async close() {
      clearInterval(timer);
      await relay.stop();
      // The loop ends without a last pass when stopped during its pause: publish what the API's last
      // requests committed meanwhile (npm start stops the workers after those requests).
      try {
        for (let pass = 0; pass < 20; pass++) if ((await relayOnce(deps, 500)) < 500) break;
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'outbox relay: last pass failed; the next start publishes the rest');
      }
      // Stops fetching and waits for active jobs (sandboxed children included) to finish.
      await Promise.all(workers.map((w) => w.close()));
      await webhooks.close();
      await notices.close();
      await planningThread.close();
      await roundThread.close();
      await producers.close();
      liveRedis?.disconnect();
      if (!shared) await database.close();
    },
  };
}

/** In-process concurrency: intake events are light; inline solves share one thread (one core), so one at a time. */
function concurrencyOf(queue: QueueName): number {
  if (queue === QUEUE.needs) return 20;
  return queue === QUEUE.solve ? 1 : 4;
}

/**
 * A flow's parent failed with its child (failParentOnFailure) carries only BullMQ's "child
 * <prefix>:<queue>:<id> failed": the cause is the child's failedReason. Returns the reason the child's
 * own 'failed' event gives, so the round's failure reason is the same whichever event comes first;
 * undefined when the error is not a child's failure or the child is gone.
 */
export async function childCause(err: Error, producers: Pick<Producers, 'queue'>, prefix: string): Promise<string | undefined> {
  const key = /^child (.+) failed$/.exec(err.message)?.[1];
  if (!key) return undefined;
  for (const queue of Object.values(QUEUE)) {
    const head = `${prefix}:${queue}:`;
    if (!key.startsWith(head)) continue;
    const child = await producers.queue(queue).getJob(key.slice(head.length));
    return child?.failedReason ? `${child.name} failed: ${child.failedReason}` : undefined;
  }
  return undefined;
}

function watch(worker: Worker, queue: QueueName, db: Parameters<typeof failRound>[0], logger: Logger, causeOf: (err: Error) => Promise<string | undefined>): void {
  worker.on('error', (err) => logger.warn({ queue, err: err.message }, 'worker error (will reconnect)'));
  // One line per job done, with its ids and its request's: sandboxed solves log nothing else.
  worker.on('completed', (job: Job) => {
    const ms = job.finishedOn !== undefined && job.processedOn !== undefined ? job.finishedOn - job.processedOn : undefined;
    // A solve says where its time went (read, search, store...): the rest of `ms` is the queue's and the child's hand-over.
    const steps = (job.returnvalue as { steps?: Record<string, number> } | null)?.steps;
    logger.info({ ...jobLogFields(queue, job), ms, ...(steps ? { steps } : {}) }, 'job completed');
  });
  worker.on('failed', (job: Job | undefined, err: Error) => {
    if (!job) return;
    // Final: unrecoverable, out of attempts, or stalled too often (its worker kept dying on it).
    const final = err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled more than allowable limit/.test(err.message);
    logger.warn({ ...jobLogFields(queue, job), attempts: job.attemptsMade, final, err: err.message }, 'job failed');
    const roundId = (job.data as { roundId?: unknown }).roundId;
    // A round whose solve or merge gave up is failed; its needs go back to the pool for the next one.
    if (final && typeof roundId === 'string' && (queue === QUEUE.solve || queue === QUEUE.rounds)) {
      // A merge failed with its solve child names the child's cause, not BullMQ's "child ... failed".
      causeOf(err)
        .catch(() => undefined)
        .then((cause) => failRound(db, roundId, cause ?? `${job.name} failed: ${err.message}`))
        .catch((e: unknown) => logger.error({ ...jobLogFields(queue, job), err: e }, 'could not mark round failed'));
    }
  });
}
