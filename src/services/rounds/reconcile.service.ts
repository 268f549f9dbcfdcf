/**
 * The reconciler: makes the queue hold again whatever the database says is owed, so a flushed or
 * replaced Redis loses nothing. Runs at worker start-up and as a repeatable job. Everything it
 * adds has a fixed job id, so running it while the work is still queued changes nothing.
 */
import type { Producers } from '../../queue/producers';
import type { Logger } from '../../shared/logger';
import type { Db } from '../../store/db';
import { roundsIn } from '../../store/round.repository';
import { jobId } from '../../contracts/jobs';
import { enqueueRound, prepareRound } from './round.service';
import { settleRound } from '../deliveries/round-delivery.service';
import { requeueUrgentNeeds } from './urgent.service';
import { ensureRoundSchedules, type RoundSchedule } from './round-schedule.service';
import { ON_ROAD_ROUND_STATUSES } from '../../domain/round';
import type { DriverLimits } from '../../domain/shifts';
import type { RoundAllocator } from './round-allocation.service';

export interface ReconcileDeps {
  db: Db;
  producers: Pick<Producers, 'addRoundFlow' | 'add' | 'schedule'>;
  logger: Logger;
  /** Scheduled rounds to (re)install; a flush removes repeatable jobs with everything else. */
  schedule?: RoundSchedule;
  /** Driver limits a draft it prepares is planned with (DRIVER_* settings), as a round started through the API. */
  driverLimits: DriverLimits;
  /** Runs the allocation of a draft prepared here off this event loop (the round thread), as the job does. Unset: here. */
  allocate?: RoundAllocator;
  /** Milliseconds clock a draft's age is read against. Default Date.now. */
  now?: () => number;
}

/** How long a draft's own `round.prepare` job has before the reconciler prepares it itself. */
export const DRAFT_GRACE_MS = 120_000;

export interface ReconcileReport {
  /** Drafts prepared here (their job lost), and drafts whose job was queued again. */
  draftsPrepared: number;
  draftsQueued: number;
  roundsRequeued: number;
  urgentRequeued: number;
  schedules: number;
  roundsSettled: number;
}

export async function reconcile(deps: ReconcileDeps): Promise<ReconcileReport> {
  const rdb = deps.db;
  // A draft is prepared by its `round.prepare` job, queued by whoever opened it (API, schedule) and
  // again here (a no-op while it waits: fixed id). Preparing every draft here raced that job: in the
  // district day the reconciler won, ran a district's allocation on this event loop (not the round
  // thread) for 80 s and held back everything else it owes, emergencies included (issue #21). A
  // draft older than DRAFT_GRACE_MS lost its job (its request died before queuing it, the job
  // failed for good): that one is prepared here.
  const drafts = await roundsIn(rdb, ['draft']);
  const now = deps.now?.() ?? Date.now();
  const stranded = drafts.filter((r) => now - new Date(r.created_at).getTime() > DRAFT_GRACE_MS);
  for (const r of drafts) {
    if (stranded.includes(r)) await prepareRound(deps.db, r.id, deps.driverLimits, deps.allocate ? { allocate: deps.allocate } : {});
    else await deps.producers.add('round.prepare', { roundId: r.id }, { id: jobId('round.prepare', r.id) });
  }
  const planning = await roundsIn(rdb, ['planning']);
  for (const r of planning) await enqueueRound(deps, r.id);
  const urgentRequeued = await requeueUrgentNeeds(deps);
  const live = await roundsIn(rdb, ON_ROAD_ROUND_STATUSES);
  for (const r of live) await settleRound(deps.db, r.id);
  const schedules = await ensureRoundSchedules(deps, deps.schedule ?? {});
  const report = { draftsPrepared: stranded.length, draftsQueued: drafts.length - stranded.length, roundsRequeued: planning.length, urgentRequeued, schedules, roundsSettled: live.length };
  deps.logger.info(report, 'reconciled queue with database');
  return report;
}
