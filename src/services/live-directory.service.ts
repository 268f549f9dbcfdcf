/**
 * The database behind live scopes and driver tracking: which community a corridor is in, where a
 * household sits, and a delivery trip's stops (a driver's batch is one trip: `<roundId>_<tripId>`).
 *
 * Who drives a trip is not recorded by the rounds module yet (round_trips has a vehicle, no driver):
 * `driverOfBatch` is passed in, and the default answers "nobody", so no driver can join a batch or
 * report for it until dispatch records the assignment. Deny by default, never guess.
 */
import { parseBatchId } from '../contracts/events';
import type { Clock } from '../shared/clock';
import type { Db } from '../store/db';
import { communityOfCorridor, householdScope } from '../store/event-directory.repository';
import { closeStop, tripStops } from '../store/event-tracking.repository';
import type { ScopeDirectory } from './live-access.service';
import { createDriverTracking, type DriverTracking, type TrackingStore } from './live-tracking.service';
import type { LivePublisher } from './live.service';

export type DriverOfBatch = (batchId: string) => Promise<string | null>;

const nobody: DriverOfBatch = async () => null;

export function createLiveDirectory(db: Db, driverOfBatch: DriverOfBatch = nobody): ScopeDirectory {
  return {
    communityOfCorridor: (id) => communityOfCorridor(db, id),
    householdScope: (id) => householdScope(db, id),
    driverOfBatch,
  };
}

export function createTripTrackingStore(db: Db, driverOfBatch: DriverOfBatch = nobody): TrackingStore {
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
    async recordStop(batchId, stopId, status) {
      const trip = parseBatchId(batchId);
      if (!trip) return 'repeat';
      // Arrival is not a stored stop state (the rounds module keeps pending/loaded/delivered/failed): publish only.
      if (status === 'arrived') return 'recorded';
      return (await closeStop(db, trip.roundId, trip.tripId, stopId, status)) ? 'recorded' : 'repeat';
    },
  };
}

export function createRoundTracking(deps: { db: Db; publisher: LivePublisher; clock: Clock; driverOfBatch?: DriverOfBatch }): DriverTracking {
  return createDriverTracking({ store: createTripTrackingStore(deps.db, deps.driverOfBatch), publisher: deps.publisher, clock: deps.clock });
}
