/**
 * `round.dispatched` to the dispatch desk and to each batch (a driver's trip) of the round, and
 * `driver.batches_changed` to each driver of the round (their page learns of batches it did not
 * know), once the dispatch committed. A failed publish never fails the dispatch: the batches are
 * in PostgreSQL and the drivers' pages reload them on reconnect and on a slow safety poll.
 */
import { batchId, scope, type Scope } from '../../contracts/events';
import type { Db } from '../../store/db';
import { drivenTrips } from '../../store/round-plan.repository';
import { publishRoundToDrivers } from '../deliveries/driver-events';
import type { LivePublisher } from '../live-status/live.service';

/** The batch ids of a round's trips that have a driver. */
export async function dispatchedBatchIds(db: Db, roundId: string): Promise<string[]> {
  const trips = await drivenTrips(db, roundId);
  return trips.map((t) => batchId(roundId, t.tripId));
}

export async function publishRoundDispatched(deps: { db: Db; publisher: Pick<LivePublisher, 'publish'> | undefined }, roundId: string): Promise<void> {
  if (!deps.publisher) return;
  const batchIds = await dispatchedBatchIds(deps.db, roundId);
  // The event carries at most 1,000 batch ids; a bigger round's batches still get theirs in their own scope.
  for (let i = 0; i === 0 || i < batchIds.length; i += 1000) {
    const part = batchIds.slice(i, i + 1000);
    const scopes: Scope[] = [...(i === 0 ? [scope.dispatch] : []), ...part.map((b) => scope.batch(b))];
    await deps.publisher.publish(scopes, { type: 'round.dispatched', roundId, batchIds: part }).catch(() => undefined);
  }
  await publishRoundToDrivers({ db: deps.db, publisher: deps.publisher }, roundId).catch(() => undefined);
}
