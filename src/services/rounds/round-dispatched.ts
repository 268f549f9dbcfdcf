/**
 * A dispatch and what it announces: `round.dispatched` to the dispatch desk and to each batch (a
 * driver's trip) of the round, and `driver.batches_changed` to each driver of the round (their page
 * learns of batches it did not know). The events are staged in the dispatch's own transaction and
 * numbered and sent once it committed: a process dying in between leaves them staged, for the
 * sweep, instead of a dispatched round its drivers never heard of (issue #21). A failed fan-out
 * never fails the dispatch: it is retried once Redis answers (live.service.ts).
 */
import { batchId, scope, type Scope } from '../../contracts/events';
import type { Clock } from '../../shared/clock';
import type { Db } from '../../store/db';
import { drivenTrips } from '../../store/round-plan.repository';
import type { RoundHead } from '../../store/round.repository';
import type { LivePublisher, Staged, ToStore } from '../live-status/live.service';
import { dispatchRound } from './round.service';

/** The round.dispatched event carries at most this many batch ids; a bigger round's batches still get theirs in their own scope. */
const BATCHES_PER_EVENT = 1000;

/** The dispatch's events: the round's to the desk and its batches, and each driver's own batches to the driver. */
async function dispatchEvents(trx: Db, roundId: string): Promise<ToStore[]> {
  const trips = await drivenTrips(trx, roundId);
  const batchIds = trips.map((t) => batchId(roundId, t.tripId));
  const events: ToStore[] = [];
  for (let i = 0; i === 0 || i < batchIds.length; i += BATCHES_PER_EVENT) {
    const part = batchIds.slice(i, i + BATCHES_PER_EVENT);
    const scopes: Scope[] = [...(i === 0 ? [scope.dispatch] : []), ...part.map((b) => scope.batch(b))];
    events.push({ scopes, event: { type: 'round.dispatched', roundId, batchIds: part } });
  }
  const byDriver = new Map<string, string[]>();
  for (const t of trips) byDriver.set(t.driverId, [...(byDriver.get(t.driverId) ?? []), batchId(roundId, t.tripId)]);
  for (const [driverId, ids] of byDriver) {
    events.push({ scopes: [scope.driver(driverId)], event: { type: 'driver.batches_changed', driverId, cause: 'round_dispatched', roundId, batchIds: ids } });
  }
  return events;
}

export interface DispatchDeps {
  db: Db;
  clock?: Clock;
  /** Absent (an API without Redis): the round is dispatched, nothing is announced. */
  publisher: Pick<LivePublisher, 'storeMany' | 'release'> | undefined;
}

/** approved > dispatched (see dispatchRound), its events stored with it and sent after the commit. */
export async function dispatchAndAnnounce(deps: DispatchDeps, roundId: string, actor: string): Promise<RoundHead> {
  const { publisher } = deps;
  let stored: Staged[] = [];
  const round = await dispatchRound(deps.db, roundId, actor, deps.clock, publisher && (async (trx) => {
    stored = await publisher.storeMany(trx, await dispatchEvents(trx, roundId));
  }));
  await publisher?.release(stored);
  return round;
}
