/**
 * Live events of the planning pipeline, published from the workers through the Redis stream (no
 * Socket.IO server in a worker): progress and proposals to the dispatch desk; an urgent insertion
 * to the dispatch desk, the community, the driver's batch and the driver's own scope, so all see
 * the change at once.
 * A failed publish never fails the job: the plan is in PostgreSQL, clients resume from it.
 */
import { scope, batchId, type Scope } from '../../contracts/events';
import type { Logger } from '../../shared/logger';
import type { Clock } from '../../shared/clock';
import type { Db } from '../../store/db';
import { getRoundHead } from '../../store/round.repository';
import { planCounts } from '../../store/round-plan.repository';
import { needHouseholdAndCommunity } from '../../store/round-urgent.repository';
import { publishUrgentToDriver } from '../deliveries/driver-events';
import type { LivePublisher } from '../live-status/live.service';
import type { UrgentOutcome } from './urgent.service';

export interface RoundEvents {
  progress(roundId: string): Promise<void>;
  proposed(roundId: string): Promise<void>;
  urgentInserted(needId: string, outcome: Extract<UrgentOutcome, { status: 'inserted' }>): Promise<void>;
}

export const silentRoundEvents: RoundEvents = { progress: async () => undefined, proposed: async () => undefined, urgentInserted: async () => undefined };

export function createRoundEvents(deps: { db: Db; live: Pick<LivePublisher, 'publish'>; clock: Clock; logger: Logger }): RoundEvents {
  const safely = async (what: string, publish: () => Promise<unknown>) => {
    try {
      await publish();
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message, what }, 'live event not published');
    }
  };
  return {
    progress: (roundId) => safely('round.progress', async () => {
      const round = await getRoundHead(deps.db, roundId);
      if (round?.status !== 'planning') return;
      await deps.live.publish([scope.dispatch], { type: 'round.progress', roundId, percent: round.progress, stage: 'routing' });
    }),
    proposed: (roundId) => safely('round.proposed', async () => {
      const c = await planCounts(deps.db, roundId);
      await deps.live.publish([scope.dispatch], { type: 'round.proposed', roundId, batchCount: c.trips, stopCount: c.stops, bagCount: c.bags, unassignedCount: c.unserved });
    }),
    urgentInserted: async (needId, outcome) => {
      await safely('urgent', async () => {
        const need = await needHouseholdAndCommunity(deps.db, needId);
        if (!need) return;
        const scopes: Scope[] = [scope.dispatch, scope.community(need.communityId), scope.batch(batchId(outcome.roundId, outcome.tripId))];
        await deps.live.publish(scopes, {
          type: 'alert.raised', kind: 'emergency_trip_assigned', subjectId: needId, householdId: need.householdId,
          communityId: need.communityId, at: deps.clock.now().toISOString(),
        });
      });
      // The driver's own scope too, whatever became of the alert: their page reloads its batches
      // (a new dedicated trip has no batch scope the page follows yet).
      await safely('urgent.driver', () => publishUrgentToDriver({ db: deps.db, publisher: deps.live, logger: deps.logger }, outcome));
    },
  };
}
