/**
 * Every Prometheus metric Cordon exports (issue #16), in one registry per process: the API and the
 * workers each call `createMetrics()` once and pass it down (with WORKERS=inline they share the
 * API's). Names follow Prometheus conventions: the `cordon_` prefix, base units (seconds),
 * `_total` on counters, histograms for durations. Node's default metrics (`process_*`, `nodejs_*`)
 * keep their standard names.
 *
 * Gauges whose value lives elsewhere (queue counts in Redis, relay lag and stock in the database,
 * the pool, the sockets) are read at scrape time from the `sources` bound with `bind()`: a process
 * binds what it owns, and a gauge with no source reports nothing. Those read from shared state
 * (queues, database) aggregate with `max` across an API cluster (every process sees the same
 * value); per-process ones (pool, sockets) with `sum`; readiness checks with `min`.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * A reading taken at scrape time, or undefined when its source fails or takes over 2 s: a database
 * or Redis outage leaves those gauges' labelled series out of the scrape (a label-less gauge keeps
 * its last value rather than say 0), and readiness says why, instead of the whole scrape failing.
 */
async function reading<T>(read: (() => Promise<T>) | undefined): Promise<T | undefined> {
  if (!read) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 2000)));
  try {
    return await Promise.race([read().catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Seconds: a request, a job, a solve; 5 ms to 10 min. */
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export type QueueState = 'waiting' | 'active' | 'failed' | 'delayed';
export const QUEUE_STATES: readonly QueueState[] = ['waiting', 'active', 'failed', 'delayed'];

/** What the database says at scrape time (services/ops/ops-gauges.service.ts). */
export interface OpsSnapshot {
  /** Age in seconds of the oldest unpublished event, per relay (0: nothing waiting). */
  relayLagSeconds: { outbox: number; need_status: number; need_status_bulk: number };
  /** Seconds since the longest-planning round last moved (0: none planning). */
  planningStalledSeconds: number;
  /** (depot, item) pairs whose available stock is below the depot's minimum, by item. */
  stockBelowMinimum: Record<string, number>;
  /** Passes overdue now. */
  passesOverdue: number;
}

/** Readings taken at scrape time; each optional: a process binds those it owns. */
export interface MetricSources {
  queueCounts?: () => Promise<Record<string, Record<QueueState, number>>>;
  ops?: () => Promise<OpsSnapshot>;
  /** Readiness checks: 1 when passing. */
  readiness?: () => Promise<Record<string, boolean>>;
  pool?: () => { inUse: number; waiting: number } | undefined;
  liveSockets?: () => number;
  /** Transport changes (pass moves, emergencies) waiting for this process's next batch. */
  transportWaiting?: () => number;
}

export interface Metrics {
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
  needsAccepted: Counter<'kind'>;
  jobDuration: Histogram<'queue' | 'job' | 'outcome'>;
  roundPlanningDuration: Histogram<never>;
  roundSubproblems: Histogram<never>;
  roundUnservedNeeds: Counter<'reason'>;
  roundPlanCost: Histogram<never>;
  liveFanout: Histogram<never>;
  solveDuration: Histogram<never>;
  solveIterations: Histogram<never>;
  /** Outbound webhook attempts by what came of them (issue #19): delivered, failed, disabled (the endpoint switched off), stale... */
  webhookAttempts: Counter<'outcome'>;
  /** Notice sends by what came of them (issue #19): sent, failed, suppressed, postponed, stale. */
  noticeSends: Counter<'outcome'>;
  /** Adds readings (later binds of the same source replace earlier ones). */
  bind(sources: MetricSources): void;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  const sources: MetricSources = {};
  const registers = [registry];
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });

  const gauge = <L extends string>(name: string, help: string, labelNames: L[], aggregator: 'max' | 'min' | 'sum', collect: (g: Gauge<L>) => Promise<void> | void) =>
    new Gauge<L>({ name, help, labelNames, registers, aggregator, async collect() { await collect(this); } });

  gauge('cordon_queue_jobs', 'Jobs of each BullMQ queue by state (waiting, active, failed, delayed)', ['queue', 'state'], 'max', async (g) => {
    g.reset();
    for (const [queue, counts] of Object.entries((await reading(sources.queueCounts)) ?? {})) {
      for (const state of QUEUE_STATES) g.set({ queue, state }, counts[state]);
    }
  });
  // One database read per scrape for the four gauges below (collect runs per gauge, in turn).
  let snapshot: Promise<OpsSnapshot | undefined> | undefined;
  const ops = (): Promise<OpsSnapshot | undefined> =>
    (snapshot ??= reading(sources.ops).finally(() => setTimeout(() => (snapshot = undefined), 1000).unref()));
  gauge('cordon_relay_lag_seconds', 'Age of the oldest event not yet published, per relay (outbox: needs to the queue; need_status: status changes to live sockets; need_status_bulk: the bulk lane of those, a cycle or a round moving thousands)', ['relay'], 'max', async (g) => {
    const s = await ops();
    g.reset();
    if (s) for (const [relay, lag] of Object.entries(s.relayLagSeconds)) g.set({ relay }, lag);
  });
  gauge('cordon_round_planning_stalled_seconds', 'Seconds since the round planning the longest last made progress (0: none planning)', [], 'max', async (g) => {
    const s = await ops();
    if (s) g.set(s.planningStalledSeconds);
  });
  gauge('cordon_stock_items_below_minimum', 'Depot items whose available stock is below the depot minimum, by item', ['item'], 'max', async (g) => {
    const s = await ops();
    g.reset();
    if (!s) return;
    for (const [item, n] of Object.entries(s.stockBelowMinimum)) g.set({ item }, n);
  });
  gauge('cordon_passes_overdue', 'Medical passes overdue (not back by their valid-until time)', [], 'max', async (g) => {
    const s = await ops();
    if (s) g.set(s.passesOverdue);
  });
  // min across a cluster's processes: one failing is a failing check.
  gauge('cordon_readiness_check', 'Readiness checks of this process, 1 passing, 0 failing (the same checks as GET /readyz)', ['check'], 'min', async (g) => {
    for (const [check, ok] of Object.entries((await reading(sources.readiness)) ?? {})) g.set({ check }, ok ? 1 : 0);
  });
  gauge('cordon_live_sockets', 'Live (Socket.IO) connections of this process', [], 'sum', (g) => {
    if (sources.liveSockets) g.set(sources.liveSockets());
  });
  gauge('cordon_db_pool_in_use_connections', 'Database pool connections checked out', [], 'sum', (g) => {
    const pool = sources.pool?.();
    if (pool) g.set(pool.inUse);
  });
  gauge('cordon_db_pool_waiting_clients', 'Queries waiting for a pool connection', [], 'sum', (g) => {
    const pool = sources.pool?.();
    if (pool) g.set(pool.waiting);
  });
  gauge('cordon_transport_changes_waiting', 'Pass and emergency transport changes waiting for this process\'s next transport batch (the planning lock is taken once per batch)', [], 'sum', (g) => {
    if (sources.transportWaiting) g.set(sources.transportWaiting());
  });

  return {
    registry,
    httpRequestDuration: new Histogram({
      name: 'cordon_http_request_duration_seconds',
      help: 'HTTP requests by method, route template (never the raw URL) and status, with their duration',
      labelNames: ['method', 'route', 'status'], buckets: SECONDS, registers,
    }),
    needsAccepted: new Counter({ name: 'cordon_needs_accepted_total', help: 'Needs accepted by intake (form or file), by kind; merged duplicates not counted', labelNames: ['kind'], registers }),
    webhookAttempts: new Counter({
      name: 'cordon_webhook_attempts_total', help: 'Outbound webhook jobs by outcome: delivered, failed (retried later), disabled (the endpoint switched off), stale, endpoint-gone, endpoint-disabled',
      labelNames: ['outcome'], registers,
    }),
    noticeSends: new Counter({
      name: 'cordon_notice_sends_total', help: 'Notice jobs (SMS, web push, in-app) by outcome: sent, failed, suppressed, postponed, stale',
      labelNames: ['outcome'], registers,
    }),
    jobDuration: new Histogram({
      name: 'cordon_job_duration_seconds', help: 'BullMQ job run time by queue, job name and outcome (completed, failed)',
      labelNames: ['queue', 'job', 'outcome'], buckets: SECONDS, registers,
    }),
    roundPlanningDuration: new Histogram({
      name: 'cordon_round_planning_duration_seconds', help: 'Round planning, from its flow being queued to its proposal stored',
      buckets: [1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600], registers,
    }),
    roundSubproblems: new Histogram({ name: 'cordon_round_subproblems', help: 'Sub-problems of each planned round', buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers }),
    roundUnservedNeeds: new Counter({ name: 'cordon_round_unserved_needs_total', help: 'Needs a stored plan left unserved, by reason', labelNames: ['reason'], registers }),
    roundPlanCost: new Histogram({
      name: 'cordon_round_plan_cost', help: 'Cost of each stored plan (the planner\'s objective: fixed vehicle costs plus cost per metre and per hour)',
      buckets: [1e3, 1e4, 5e4, 1e5, 5e5, 1e6, 5e6, 1e7, 1e8], registers,
    }),
    solveDuration: new Histogram({ name: 'cordon_solve_duration_seconds', help: 'Search time of each solved sub-problem, on its budget clock (CPU seconds in the sandboxed solver)', buckets: SECONDS, registers }),
    solveIterations: new Histogram({
      name: 'cordon_solve_iterations', help: 'Local search iterations of each solved sub-problem',
      buckets: [10, 100, 1e3, 1e4, 1e5, 1e6, 1e7], registers,
    }),
    liveFanout: new Histogram({
      name: 'cordon_live_fanout_seconds', help: 'From a live event being stored to its broadcast to the sockets of this process (once per event and scope)',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers,
    }),
    bind(more) {
      Object.assign(sources, more);
    },
  };
}
