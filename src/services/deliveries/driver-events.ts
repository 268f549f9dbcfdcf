/**
 * `driver.batches_changed` in a driver's own scope (`driver:<driverId>`): the driver's page reloads
 * its batches at once instead of polling for them. Ids only (round, batches, stop), never what is in
 * the bags. A change to a driver's trips stores the event in its own transaction and sends it once
 * that committed: a dispatch (round-dispatched.ts) and an urgent insertion (here). A process dying
 * in between leaves it stored, for the page's next resume (issue #21); the page also reloads on
 * reconnect and on a slow poll.
 */
import { batchId, scope } from '../../contracts/events';
import type { Db } from '../../store/db';
import { tripDriverAndStop } from '../../store/delivery.repository';
import type { LivePublisher, Staged, ToStore } from '../live-status/live.service';
import { insertUrgentNeed, type UrgentInserted, type UrgentOutcome } from '../rounds/urgent.service';

export interface UrgentEventDeps {
  db: Db;
  /** Absent (an API without Redis): the need is placed, nothing is announced. */
  publisher: Pick<LivePublisher, 'storeMany' | 'release'> | undefined;
}

/** Events besides the driver's that belong with an urgent insertion (the worker's alert to the desk). */
export type UrgentEvents = (trx: Db, inserted: UrgentInserted) => Promise<ToStore[]>;

/** The event for the driver of the trip that took the stop (none before dispatch: the trip has no driver yet). */
async function driverEvent(trx: Db, inserted: UrgentInserted): Promise<ToStore[]> {
  const trip = await tripDriverAndStop(trx, inserted.roundId, inserted.tripId, inserted.seq);
  if (!trip?.driverId) return [];
  const { roundId, tripId } = inserted;
  return [{
    scopes: [scope.driver(trip.driverId)],
    event: { type: 'driver.batches_changed', driverId: trip.driverId, cause: 'urgent_inserted', roundId, batchIds: [batchId(roundId, tripId)], ...(trip.stopId ? { stopId: trip.stopId } : {}) },
  }];
}

/** `insertUrgentNeed`, its events (the driver's, and `more`) stored in its transaction and sent after the commit. */
export async function insertUrgentAndNotify(deps: UrgentEventDeps, needId: string, more?: UrgentEvents): Promise<UrgentOutcome> {
  const { publisher } = deps;
  let stored: Staged[] = [];
  const outcome = await insertUrgentNeed(deps.db, needId, publisher && (async (trx, inserted) => {
    const events = [...(await driverEvent(trx, inserted)), ...((await more?.(trx, inserted)) ?? [])];
    if (events.length) stored = await publisher.storeMany(trx, events);
  }));
  await publisher?.release(stored);
  return outcome;
}
