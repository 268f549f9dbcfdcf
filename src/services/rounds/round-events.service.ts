/**
 * Live events of the planning pipeline, published from the workers through the Redis stream (no
 * Socket.IO server in a worker): progress and proposals to the dispatch desk; an urgent insertion
 * to the dispatch desk, the community, the driver's batch and the driver's own scope, so all see
 * the change at once (`urgentAlert`, stored with the insertion: driver-events.ts).
 * A failed publish of progress or a proposal never fails the job: the plan is in PostgreSQL, clients
 * resume from it. An urgent insertion's events are part of it: stored with it, or neither is.
 */
import { scope, batchId, type Scope } from '../../contracts/events';
import type { Logger } from '../../shared/logger';
import type { Clock } from '../../shared/clock';
import type { Db } from '../../store/db';
import { getRoundHead } from '../../store/round.repository';
import { planCounts } from '../../store/round-plan.repository';
import { needHouseholdAndCommunity } from '../../store/round-urgent.repository';
import type { UrgentEvents } from '../deliveries/driver-events';
import type { LivePublisher } from '../live-status/live.service';

export interface RoundEvents {
  progress(roundId: string): Promise<void>;
  proposed(roundId: string): Promise<void>;
}

export const silentRoundEvents: RoundEvents = { progress: async () => undefined, proposed: async () => undefined };

/** The alert of an urgent need placed in a round, to the desk, the community and the trip's batch (read in the insertion's transaction). */
export function urgentAlert(needId: string, clock: Clock): UrgentEvents {
  return async (trx, inserted) => {
    const need = await needHouseholdAndCommunity(trx, needId);
    if (!need) return [];
    const scopes: Scope[] = [scope.dispatch, scope.community(need.communityId), scope.batch(batchId(inserted.roundId, inserted.tripId))];
    return [{
      scopes,
      event: { type: 'alert.raised', kind: 'emergency_trip_assigned', subjectId: needId, householdId: need.householdId, communityId: need.communityId, at: clock.now().toISOString() },
    }];
  };
}

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
  };
}
