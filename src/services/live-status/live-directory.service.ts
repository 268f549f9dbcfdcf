/**
 * The database behind live scopes and driver tracking: which community a corridor is in, where a
 * household sits, who drives a batch and its stops (a driver's batch is one delivery trip:
 * `<roundId>_<tripId>`; dispatch records the trip's driver, none before: nobody may join it).
 */
import { parseBatchId } from '../../contracts/events';
import type { Clock } from '../../shared/clock';
import type { Db } from '../../store/db';
import { communityOfCorridor, householdScope } from '../../store/event-directory.repository';
import { closeStop, tripStops } from '../../store/event-tracking.repository';
import { driverOfTrip } from '../../store/round-plan.repository';
import type { ScopeDirectory } from './live-access.service';
import { createDriverTracking, type DriverTracking, type TrackingStore } from './live-tracking.service';
import type { LivePublisher } from './live.service';
import { settleRound } from '../deliveries/round-delivery.service';
import { publishNextStopEta } from '../deliveries/household-deliveries.service';

export type DriverOfBatch = (batchId: string) => Promise<string | null>;

/** The driver dispatch gave the batch's trip; null for unknown ids and undispatched trips. */
export function tripDriver(db: Db): DriverOfBatch {
  return async (batchId) => {
    const trip = parseBatchId(batchId);
    return trip ? driverOfTrip(db, trip.roundId, trip.tripId) : null;
  };
}

export function createLiveDirectory(db: Db, driverOfBatch: DriverOfBatch = tripDriver(db)): ScopeDirectory {
  return {
    communityOfCorridor: (id) => communityOfCorridor(db, id),
    householdScope: (id) => householdScope(db, id),
    driverOfBatch,
  };
}

export function createTripTrackingStore(db: Db, driverOfBatch: DriverOfBatch = tripDriver(db)): TrackingStore {
  return {
    async loadBatch(batchId) {
      const trip = parseBatchId(batchId);
      if (!trip) return null;
      const [stops, driverId] = await Promise.all([tripStops(db, trip.roundId, trip.tripId), driverOfBatch(batchId)]);
      if (stops.length === 0 || !driverId) return null;
      return {
        batchId,
        driverId,
        stops: stops.map((s) => ({ ...s, status: s.status === 'loaded' ? 'pending' : s.status })),
      };
    },
    async closeStop(batchId, stopId, status, storeEvent) {
      const trip = parseBatchId(batchId);
      if (!trip) return 'repeat';
      return db.transaction().execute(async (trx) => ((await closeStop(trx, trip.roundId, trip.tripId, stopId, status)) ? storeEvent(trx) : 'repeat' as const));
    },
    async settleStop(batchId, stopId) {
      const trip = parseBatchId(batchId);
      // Carry it over to the round and its needs now; the reconciler does it later if this fails.
      if (trip) await settleRound(db, trip.roundId, stopId).catch(() => null);
    },

  };
}

export function createRoundTracking(deps: { db: Db; publisher: LivePublisher; clock: Clock; driverOfBatch?: DriverOfBatch }): DriverTracking {
  return createDriverTracking({
    store: createTripTrackingStore(deps.db, deps.driverOfBatch), publisher: deps.publisher, clock: deps.clock,
    // The van left a stop: the households of the next one see when it should be at their gate.
    onStopClosed: (batchId) => publishNextStopEta({ db: deps.db, publisher: deps.publisher }, batchId),
  });
}
