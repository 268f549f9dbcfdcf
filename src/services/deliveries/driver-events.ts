/**
 * `driver.batches_changed` in a driver's own scope (`driver:<driverId>`), published after the
 * change committed: the driver's page reloads its batches at once instead of polling for them.
 * Ids only (round, batches, stop), never what is in the bags. A failed publish never fails the
 * change: the batches are in PostgreSQL, and the page also reloads on reconnect and on a slow poll.
 *
 * Anything that changes a driver's trips after dispatch calls `publishDriverBatchChanged` once
 * its transaction committed (urgent insertion, a moved or cancelled stop); a dispatch stores its
 * drivers' events with it (round-dispatched.ts).
 */
import { batchId, scope, type DRIVER_BATCH_CAUSES } from '../../contracts/events';
import type { Logger } from '../../shared/logger';
import type { Db } from '../../store/db';
import { tripDriverAndStop } from '../../store/delivery.repository';
import type { LivePublisher } from '../live-status/live.service';
import { insertUrgentNeed, type UrgentOutcome } from '../rounds/urgent.service';

export interface DriverBatchChange {
  cause: (typeof DRIVER_BATCH_CAUSES)[number];
  roundId: string;
  /** The driver's batches the change touched (`batchId(roundId, tripId)`). */
  batchIds: readonly string[];
  stopId?: string;
}

export interface DriverEventDeps {
  /** Absent (an API without Redis): nothing is published. */
  publisher: Pick<LivePublisher, 'publish'> | undefined;
  /** Where a failed publish is reported; absent: it is dropped silently. */
  logger?: Logger | undefined;
}

export async function publishDriverBatchChanged(deps: DriverEventDeps, driverId: string, change: DriverBatchChange): Promise<void> {
  if (!deps.publisher) return;
  try {
    await deps.publisher.publish([scope.driver(driverId)], {
      type: 'driver.batches_changed',
      driverId,
      cause: change.cause,
      roundId: change.roundId,
      batchIds: [...change.batchIds],
      ...(change.stopId !== undefined ? { stopId: change.stopId } : {}),
    });
  } catch (err) {
    deps.logger?.warn({ err, driverId, cause: change.cause }, 'driver batch event not published');
  }
}

/** After an urgent insertion committed: the driver of the trip that took the stop (none before dispatch). */
export async function publishUrgentToDriver(deps: DriverEventDeps & { db: Db }, outcome: Extract<UrgentOutcome, { status: 'inserted' }>): Promise<void> {
  if (!deps.publisher) return;
  const trip = await tripDriverAndStop(deps.db, outcome.roundId, outcome.tripId, outcome.seq);
  if (!trip?.driverId) return;
  await publishDriverBatchChanged(deps, trip.driverId, {
    cause: 'urgent_inserted', roundId: outcome.roundId, batchIds: [batchId(outcome.roundId, outcome.tripId)], ...(trip.stopId ? { stopId: trip.stopId } : {}),
  });
}

/** `insertUrgentNeed`, then the driver's event: for the callers outside the worker (emergency route, pass loop). */
export async function insertUrgentAndNotify(deps: DriverEventDeps & { db: Db }, needId: string): Promise<UrgentOutcome> {
  const outcome = await insertUrgentNeed(deps.db, needId);
  if (outcome.status === 'inserted') await publishUrgentToDriver(deps, outcome).catch((err: unknown) => deps.logger?.warn({ err }, 'driver batch event not published'));
  return outcome;
}
