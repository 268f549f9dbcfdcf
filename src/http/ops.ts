/**
 * The probes' and metrics' side of an API process: its metric registry (with the pool, readiness and
 * transport-queue gauges bound) and its readiness checks (database, migrations at head, Redis when it uses one).
 * serveApi builds it and adds what else the process runs (its sockets; workers when inline);
 * buildApp builds a bare one when given none (tests).
 */
import { addDependencyChecks, createReadiness, type Readiness } from '../services/ops/readiness.service';
import { transportChangesWaiting } from '../services/passes/transport-batch';
import type { Redis } from 'ioredis';
import { createMetrics, type Metrics } from '../shared/metrics';
import type { Database } from '../store/db';

export interface AppOps {
  metrics: Metrics;
  readiness: Readiness;
  /** GET /metrics' text; default this process's registry (an API cluster answers for every process). */
  exposition?: () => Promise<{ contentType: string; text: string }>;
}

export function createApiOps(deps: { database: Database; redis?: Redis | undefined }, metrics: Metrics = createMetrics()): AppOps {
  const readiness = createReadiness();
  const redis = deps.redis;
  addDependencyChecks(readiness, { database: deps.database, redisPing: redis ? () => redis.ping() : undefined });
  metrics.bind({ pool: () => deps.database.poolStats?.(), readiness: () => readiness.snapshot(), transportWaiting: () => transportChangesWaiting(deps.database.db) });
  return { metrics, readiness };
}

/** This process's registry as exposition text. */
export async function registryExposition(metrics: Metrics): Promise<{ contentType: string; text: string }> {
  return { contentType: metrics.registry.contentType, text: await metrics.registry.metrics() };
}
