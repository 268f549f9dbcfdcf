/**
 * The van left the depot (issue #19, item 2). The trip's driver reports it from the driver page
 * (queued offline like the other reports, so it may come late with the phone's time); a dispatcher
 * or admin may record it for them (from the paper, say). Stored once on the trip, with a
 * `trip.departed` live event in the same transaction: to the batch, the dispatch desk and the gates
 * on the trip, and captured for the notices, where it starts the first stop's ETA notice
 * (notice-triggers.ts), which nothing started before: a stop's ETA is sent when the van leaves the
 * stop before it, and the first stop has none. The same report again changes nothing and sends
 * nothing (the phone replays its queue).
 */
import type { DepartureRecorded } from '../../contracts/departure.contract';
import { batchId, scope, type LiveEvent, type Scope } from '../../contracts/events';
import { canAccessDriver, type Actor } from '../../domain/access';
import { ON_ROAD_ROUND_STATUSES, type RoundStatus } from '../../domain/round';
import type { Clock } from '../../shared/clock';
import { AppError } from '../../shared/errors';
import type { Db } from '../../store/db';
import { departureTrip, recordDeparture } from '../../store/trip-departure.repository';
import { guardDecision, guardRole } from '../access/access-guard';
import type { AuditService } from '../access/audit.service';
import type { LivePublisher } from '../live-status/live.service';
import { phoneTime } from '../shared/phone-time';
import { publishNextStopEta } from './household-deliveries.service';

export interface DepartureDeps {
  db: Db;
  clock: Clock;
  audit: AuditService | undefined;
  /** Absent (an API without Redis): the departure is stored, no live event or notice follows. */
  publisher: Pick<LivePublisher, 'store' | 'release' | 'publish'> | undefined;
}

const RECORDERS = ['driver', 'dispatcher', 'admin'] as const;
const ACTION = 'trip.departed';

export async function recordTripDeparture(
  deps: DepartureDeps, actor: Actor, roundId: string, tripId: string, input: { departedAt?: string | undefined }, reqId?: string,
): Promise<DepartureRecorded> {
  const subjectId = `${roundId}/${tripId}`;
  const ctx = { audit: deps.audit, reqId };
  // Role first (a refusal audited before anything is read), then the trip's own driver only among drivers.
  await guardRole(ctx, actor, RECORDERS, ACTION, 'trip', subjectId);
  const trip = await departureTrip(deps.db, roundId, tripId);
  if (!trip) throw new AppError('not_found', 'no trip of this round has this id');
  if (actor.role === 'driver') await guardDecision(ctx, actor, trip.driverId !== null && canAccessDriver(actor, trip.driverId), ACTION, 'trip', subjectId);
  const batch = batchId(roundId, tripId);
  const view = (at: Date) => ({ roundId, tripId, batchId: batch, departedAt: at.toISOString() });
  const audited = () => deps.audit?.record({ actor, action: ACTION, subjectType: 'trip', subjectId, outcome: 'allowed', reqId: reqId ?? null });
  if (trip.departedAt) {
    await audited();
    return { departure: view(trip.departedAt), replayed: true };
  }
  if (!ON_ROAD_ROUND_STATUSES.includes(trip.roundStatus as RoundStatus)) throw new AppError('invalid_transition', `the round is ${trip.roundStatus}: a van leaves once its round is dispatched`);
  const at = phoneTime(deps.clock.now(), input.departedAt, 'departedAt');
  const event: LiveEvent = { type: 'trip.departed', batchId: batch, roundId, tripId, at: at.toISOString() };
  const scopes: Scope[] = [scope.batch(batch), scope.dispatch, ...trip.corridorIds.map((c) => scope.corridor(c))];
  const stored = await deps.db.transaction().execute(async (trx) => {
    if (!(await recordDeparture(trx, roundId, tripId, at, actor.userId))) return null;
    return (await deps.publisher?.store(trx, scopes, event)) ?? [];
  });
  if (stored === null) {
    // Stored a moment ago by a concurrent replay: answer as a replay does.
    const first = await departureTrip(deps.db, roundId, tripId);
    await audited();
    return { departure: view(first?.departedAt ?? at), replayed: true };
  }
  await deps.publisher?.release(stored);
  // The first stop's households see on their page when the van should be at their gate (issue #17, item 7).
  await publishNextStopEta(deps, batch);
  await audited();
  return { departure: view(at), replayed: false };
}
