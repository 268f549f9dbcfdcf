/**
 * Typed producers: the only way the API and the services put work on a queue.
 * Every payload is validated against its contract before it reaches Redis; every call fails fast
 * (AppError `unavailable`, a 503) when Redis is down instead of waiting for it to return.
 */
import { FlowProducer, Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOBS, QUEUE, jobId, type JobData, type JobName, type QueueName } from '../contracts/jobs';
import { AppError } from '../shared/errors';
import { defaultJobOptions, type JobPolicy } from './job-options';
import { createProducerRedis } from './redis';

export interface ProducerOptions {
  /** Redis to connect to; or pass `redis`, an existing producer connection (see createProducerRedis). */
  redisUrl?: string;
  redis?: Redis;
  /** Key prefix of every queue; tests give each file its own. Default `cordon`. */
  prefix?: string;
  /** Longest wait for Redis before answering `unavailable`. Default 2000 ms. */
  timeoutMs?: number;
  jobPolicy?: JobPolicy;
}

export interface Producers {
  /** Adds one job; `id` is its deterministic job id (see `jobId`). */
  add<N extends JobName>(name: N, data: JobData<N>, opts: { id: string; delayMs?: number }): Promise<void>;
  /** Adds many jobs in one round trip per queue (the outbox relay). */
  addBulk(jobs: { name: JobName; data: unknown; id: string }[]): Promise<void>;
  /**
   * Adds a round flow: a merge parent over one solve child per sub-problem, atomically. `generation`:
   * the round's re-plan count (default 1); `requestId`: the request that started it, in every job's data.
   */
  addRoundFlow(roundId: string, subProblemIds: string[], generation?: number, requestId?: string): Promise<void>;
  /** Creates or updates a repeatable job (same scheduler id: updated, never doubled). */
  schedule<N extends JobName>(schedulerId: string, name: N, data: JobData<N>, everyMs: number): Promise<void>;
  queue(name: QueueName): Queue;
  /** True while the Redis connection is up. */
  ready(): boolean;
  /** Calls `listener` each time the connection comes back after being lost (Redis restarted or replaced). */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}

export function createProducers(options: ProducerOptions): Producers {
  const prefix = options.prefix ?? 'cordon';
  const timeoutMs = options.timeoutMs ?? 2000;
  if (!options.redis && !options.redisUrl) throw new Error('createProducers: redisUrl or redis is required');
  const owned = !options.redis;
  const redis: Redis = options.redis ?? createProducerRedis(options.redisUrl!);
  const jobOpts = defaultJobOptions(options.jobPolicy);
  const queues = new Map<QueueName, Queue>();
  const queue = (name: QueueName): Queue => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: redis, prefix, defaultJobOptions: jobOpts });
      q.on('error', () => undefined); // surfaced per call as `unavailable`
      queues.set(name, q);
    }
    return q;
  };
  const flows = new FlowProducer({ connection: redis, prefix });
  flows.on('error', () => undefined);

  /** Refuses at once while disconnected, and bounds the wait otherwise. */
  async function guarded<T>(what: string, work: () => Promise<T>): Promise<T> {
    if (redis.status !== 'ready') throw new AppError('unavailable', `queue unavailable (${what})`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AppError('unavailable', `queue did not answer in ${timeoutMs} ms (${what})`)), timeoutMs);
    });
    try {
      return await Promise.race([work(), timeout]);
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError('unavailable', `queue unavailable (${what})`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  function validated<N extends JobName>(name: N, data: JobData<N>): JobData<N> {
    // A bad payload here is a programming error: refuse it before it is stored in Redis.
    return JOBS[name].schema.parse(data) as JobData<N>;
  }

  return {
    async add(name, data, opts) {
      const payload = validated(name, data);
      const jobOptions: JobsOptions = { jobId: opts.id, ...(opts.delayMs ? { delay: opts.delayMs } : {}) };
      await guarded(name, () => queue(JOBS[name].queue).add(name, payload, jobOptions));
    },
    async addBulk(jobs) {
      const byQueue = new Map<QueueName, { name: JobName; data: unknown; opts: JobsOptions }[]>();
      for (const j of jobs) {
        const q = JOBS[j.name].queue;
        const list = byQueue.get(q) ?? [];
        list.push({ name: j.name, data: JOBS[j.name].schema.parse(j.data), opts: { jobId: j.id } });
        byQueue.set(q, list);
      }
      await guarded('bulk', () => Promise.all([...byQueue].map(([q, list]) => queue(q).addBulk(list))));
    },
    async addRoundFlow(roundId, subProblemIds, generation = 1, requestId) {
      const traced = requestId === undefined ? {} : { requestId };
      const children = subProblemIds.map((subProblemId) => ({
        name: 'round.solve' as const,
        queueName: QUEUE.solve,
        data: validated('round.solve', { roundId, subProblemId, ...traced }),
        // A child that fails for good fails the round instead of leaving it waiting forever.
        opts: { ...jobOpts, jobId: jobId('round.solve', roundId, subProblemId), failParentOnFailure: true },
      }));
      await guarded('round flow', () =>
        flows.add({
          name: 'round.merge',
          queueName: QUEUE.rounds,
          data: validated('round.merge', { roundId, ...traced }),
          // Each re-plan merges anew: the first generation's merge job may still be kept as completed.
          opts: { ...jobOpts, jobId: generation === 1 ? jobId('round.merge', roundId) : jobId('round.merge', roundId, `g${generation}`) },
          children,
        }),
      );
    },
    async schedule(schedulerId, name, data, everyMs) {
      const payload = validated(name, data);
      await guarded(name, () =>
        queue(JOBS[name].queue).upsertJobScheduler(schedulerId, { every: everyMs }, { name, data: payload, opts: jobOpts }),
      );
    },
    queue,
    ready: () => redis.status === 'ready',
    onReconnect(listener) {
      let wasReady = redis.status === 'ready';
      redis.on('ready', () => {
        if (wasReady) listener();
        wasReady = true;
      });
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
      await flows.close();
      if (owned) redis.disconnect();
    },
  };
}
