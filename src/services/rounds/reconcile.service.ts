/**
 * The reconciler: makes the queue hold again whatever the database says is owed, so a flushed or
 * replaced Redis loses nothing. Runs at worker start-up and as a repeatable job. Everything it
 * adds has a fixed job id, so running it while the work is still queued changes nothing.
 */
import type { Producers } from '../../queue/producers';
import type { Logger } from '../../shared/logger';
import type { Db } from '../../store/db';
import { roundsIn } from '../../store/round.repository';
import { enqueueRound, prepareRound } from './round.service';
import { settleRound } from '../deliveries/round-delivery.service';
import { requeueUrgentNeeds } from './urgent.service';
import { ensureRoundSchedules, type RoundSchedule } from './round-schedule.service';
import { ON_ROAD_ROUND_STATUSES } from '../../domain/round';
import type { DriverLimits } from '../../domain/shifts';

export interface ReconcileDeps {
  db: Db;
  producers: Pick<Producers, 'addRoundFlow' | 'add' | 'schedule'>;
  logger: Logger;
  /** Scheduled rounds to (re)install; a flush removes repeatable jobs with everything else. */
  schedule?: RoundSchedule;
  /** Driver limits a draft it prepares is planned with (DRIVER_* settings), as a round started through the API. */
  driverLimits: DriverLimits;
}

export interface ReconcileReport {
  draftsPrepared: number;
  roundsRequeued: number;
  urgentRequeued: number;
  schedules: number;
  roundsSettled: number;
}

export async function reconcile(deps: ReconcileDeps): Promise<ReconcileReport> {
  const rdb = deps.db;
  // A draft outlives its request only if that request died between creating and preparing it.
  const drafts = await roundsIn(rdb, ['draft']);
  for (const r of drafts) await prepareRound(deps.db, r.id, deps.driverLimits);
  const planning = await roundsIn(rdb, ['planning']);
  for (const r of planning) await enqueueRound(deps, r.id);
  const urgentRequeued = await requeueUrgentNeeds(deps);
  const live = await roundsIn(rdb, ON_ROAD_ROUND_STATUSES);
  for (const r of live) await settleRound(deps.db, r.id);
  const schedules = await ensureRoundSchedules(deps, deps.schedule ?? {});
  const report = { draftsPrepared: drafts.length, roundsRequeued: planning.length, urgentRequeued, schedules, roundsSettled: live.length };
  deps.logger.info(report, 'reconciled queue with database');
  return report;
}
