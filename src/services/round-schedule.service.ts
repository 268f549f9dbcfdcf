/**
 * Scheduled rounds: one repeatable job per community and kind opens that community's next round
 * (food every two or three days, medicine daily). Schedulers live in Redis, so they are upserted
 * at worker start-up and by every reconcile: a flushed Redis gets them back.
 */
import type { RoundKind } from '../contracts/jobs';
import type { Producers } from '../queue/producers';
import type { Db } from '../store/db';
import { countClaimableNeeds, roundDb } from '../store/round.repository';
import { startRound, type RoundDeps } from './round.service';

/** Hours between rounds per kind; a kind absent (or 0) is not scheduled. */
export type RoundSchedule = Partial<Record<RoundKind, number>>;

export async function ensureRoundSchedules(deps: { db: Db; producers: Pick<Producers, 'schedule'> }, schedule: RoundSchedule): Promise<number> {
  const kinds = (Object.entries(schedule) as [RoundKind, number][]).filter(([, hours]) => hours > 0);
  if (kinds.length === 0) return 0;
  const communities = await deps.db.selectFrom('areas').select('id').where('kind', '=', 'community').orderBy('id').execute();
  for (const { id } of communities) {
    for (const [kind, hours] of kinds) {
      // Same scheduler id every time: an upsert, never a second schedule.
      await deps.producers.schedule(`open-round-${kind}-${id}`, 'maintenance.open-round', { areaId: id, kind }, hours * 3600_000);
    }
  }
  return communities.length * kinds.length;
}

/** Body of `maintenance.open-round`: opens the round unless nothing is waiting (or one is open). */
export async function openScheduledRound(deps: RoundDeps, areaId: string, kind: RoundKind): Promise<{ roundId: string | null; created: boolean }> {
  if ((await countClaimableNeeds(roundDb(deps.db), areaId, kind)) === 0) return { roundId: null, created: false };
  const { round, created } = await startRound(deps, { areaId, kind, actor: 'scheduler' });
  return { roundId: round.id, created };
}
