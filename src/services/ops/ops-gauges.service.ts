/**
 * The gauges read at scrape time from shared state: each BullMQ queue's job counts (Redis) and what
 * the database says (relay lag, a round stuck planning, stock below minimum, passes overdue). Bound
 * by the process that runs the workers (`npm run workers`, or the API with WORKERS=inline): every
 * process would read the same values, so one reading them is enough.
 */
import { QUEUE, type QueueName } from '../../contracts/jobs';
import type { Producers } from '../../queue/producers';
import type { Metrics, OpsSnapshot, QueueState } from '../../shared/metrics';
import type { Db } from '../../store/db';
import { countBelowMinimum, readOpsGauges } from '../../store/ops-gauges.repository';

export async function opsSnapshot(db: Db): Promise<OpsSnapshot> {
  const [row, stockBelowMinimum] = await Promise.all([readOpsGauges(db), countBelowMinimum(db)]);
  return {
    relayLagSeconds: { outbox: row.outboxLagS, need_status: row.needStatusLagS, need_status_bulk: row.needStatusBulkLagS },
    planningStalledSeconds: row.planningStalledS,
    stockBelowMinimum,
    passesOverdue: row.passesOverdue,
  };
}

/** Job counts of every queue (all of them, not only those this process serves: the API enqueues on all). */
export async function queueCounts(producers: Pick<Producers, 'queue'>): Promise<Record<string, Record<QueueState, number>>> {
  const names = Object.values(QUEUE) as QueueName[];
  const counts = await Promise.all(names.map((q) => producers.queue(q).getJobCounts('waiting', 'active', 'failed', 'delayed')));
  return Object.fromEntries(names.map((q, i) => {
    const c = counts[i] ?? {};
    return [q, { waiting: c.waiting ?? 0, active: c.active ?? 0, failed: c.failed ?? 0, delayed: c.delayed ?? 0 }];
  }));
}

export function bindSharedGauges(metrics: Metrics, deps: { db: Db; producers: Pick<Producers, 'queue'> }): void {
  metrics.bind({ ops: () => opsSnapshot(deps.db), queueCounts: () => queueCounts(deps.producers) });
}
