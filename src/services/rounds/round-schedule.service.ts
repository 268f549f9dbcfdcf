/**
 * Scheduled rounds: one repeatable job per area and kind opens that area's next round (food every
 * two or three days, medicine daily, per community; waste daily, per district, since its trucks
 * and disposal sites serve the whole district and a collection round is planned as one piece); a
 * food round first creates the food packages households are entitled to this cycle, a waste round
 * first opens the pickups its corridors' schedules make due. Schedulers live in Redis, so they are
 * upserted at worker start-up and by every reconcile: a flushed Redis gets them back.
 */
import { SCHEDULER_ACTOR } from '../../domain/access';
import { NEED_KINDS_OF_ROUND, ROUND_KIND_SPECS, type RoundKind } from '../../domain/round';
import type { Producers } from '../../queue/producers';
import type { Db } from '../../store/db';
import { areaIdsOfKind, countClaimableNeeds } from '../../store/round.repository';
import { countDueWasteSchedules } from '../../store/waste-schedule.repository';
import { generateFoodEntitlements } from '../needs/food-entitlement.service';
import { startRound, type RoundDeps } from './round.service';

/** Hours between rounds per kind; a kind absent (or 0) is not scheduled. */
export type RoundSchedule = Partial<Record<RoundKind, number>>;

export async function ensureRoundSchedules(deps: { db: Db; producers: Pick<Producers, 'schedule'> }, schedule: RoundSchedule): Promise<number> {
  const kinds = (Object.entries(schedule) as [RoundKind, number][]).filter(([, hours]) => hours > 0);
  let installed = 0;
  for (const [kind, hours] of kinds) {
    for (const id of await areaIdsOfKind(deps.db, scheduledPer(kind))) {
      // Same scheduler id every time: an upsert, never a second schedule.
      await deps.producers.schedule(`open-round-${kind}-${id}`, 'maintenance.open-round', { areaId: id, kind }, hours * 3600_000);
      installed++;
    }
  }
  return installed;
}

/** The area level a kind's rounds are scheduled for: a collection round's trucks and sites are the district's. */
const scheduledPer = (kind: RoundKind): 'district' | 'community' => (ROUND_KIND_SPECS[kind].collects ? 'district' : 'community');

export interface ScheduledRoundDeps extends RoundDeps {
  /** Food entitlement cycle length in days (FOOD_CYCLE_DAYS). */
  foodCycleDays: number;
}

export interface ScheduledRun {
  /**
   * The time the run was due (the scheduler's slot, not the clock when a worker got to it): it names
   * the entitlement cycle, so a retry after a cycle boundary still completes the cycle it began.
   */
  at: Date;
  /** The job id, written with the audit rows of the entitlements. */
  requestId?: string | null;
}

export interface ScheduledRoundOutcome {
  roundId: string | null;
  created: boolean;
  /** Rounds that carry food packages: the cycle generated and how many entitlements were new. */
  cycle?: string;
  entitlements?: number;
}

/**
 * Body of `maintenance.open-round`. A round that carries food packages first creates the current
 * cycle's food entitlements of the community (none twice, see food-entitlement.service); then it
 * opens the round unless nothing is waiting, due waste schedules counting for a collection round
 * (or returns the one already open). Every step is
 * idempotent, so a retried job converges on the same needs and the same round.
 */
export async function openScheduledRound(deps: ScheduledRoundDeps, areaId: string, kind: RoundKind, run: ScheduledRun): Promise<ScheduledRoundOutcome> {
  const entitled = NEED_KINDS_OF_ROUND[kind].includes('food_package')
    ? await generateFoodEntitlements(deps, areaId, { at: run.at, requestId: run.requestId ?? null })
    : undefined;
  const food = entitled ? { cycle: entitled.cycle.id, entitlements: entitled.created } : {};
  // A collection round opens its corridors' due pickups itself (prepareRound): those wait too.
  const due = ROUND_KIND_SPECS[kind].collects ? await countDueWasteSchedules(deps.db, areaId) : 0;
  if (due + (await countClaimableNeeds(deps.db, areaId, kind)) === 0) return { roundId: null, created: false, ...food };
  const { round, created } = await startRound(deps, { areaId, kind, actor: SCHEDULER_ACTOR });
  return { roundId: round.id, created, ...food };
}
