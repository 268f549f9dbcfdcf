/**
 * A vehicle handed over at a shift change (issue #18, item 4). The plan gives every trip its driver
 * (item 3); where a vehicle's next trip has another driver, the outgoing driver confirms the
 * vehicle's state (trips done, bags on board by kind, the waste truck's disinfection, where it was
 * last, open custody records) with an optional note, and the incoming driver accepts it. Each side is
 * reported from the driver page, queued offline like the custody records, so it may come late with
 * the phone's time and in either order; each is stored once, with a `vehicle.handover` live event
 * (the desk and both drivers) in the same transaction. Dispatchers and admins may record either side
 * for a driver (from a phone call, say). Reads are audited.
 */
import type { HandoverView } from '../../contracts/handover.contract';
import { scope, type LiveEvent } from '../../contracts/events';
import { canAccessDriver, type Actor } from '../../domain/access';
import { ROUND_SHIFT_START_MIN } from '../../domain/gate-hours';
import { plannedHandovers, type PlannedHandover, type VehicleState } from '../../domain/handover';
import { ON_ROAD_ROUND_STATUSES, type RoundStatus } from '../../domain/round';
import type { Clock } from '../../shared/clock';
import { AppError } from '../../shared/errors';
import type { Db } from '../../store/db';
import {
  crewTrips, driverNames, findHandover, recordHandoverSide, roundStatusOf, vehicleStateBefore, type CrewTripRow, type StoredHandover,
} from '../../store/handover.repository';
import { guardDecision, guardRole } from '../access/access-guard';
import type { AuditService } from '../access/audit.service';
import type { LivePublisher } from '../live-status/live.service';
import { roundRoster } from '../rounds/round-roster';
import { phoneTime } from '../shared/phone-time';

export interface HandoverDeps {
  db: Db;
  clock: Clock;
  audit: AuditService | undefined;
  /** Absent (an API without Redis): the handover is stored, no live event follows. */
  publisher: Pick<LivePublisher, 'store' | 'release'> | undefined;
  /** Zone the roster's dates are read in (ROSTER_TIME_ZONE). */
  timeZone: string;
}

const ROLES = ['driver', 'dispatcher', 'admin'] as const;

/** The round's planned handovers with its trips, from the plan's drivers and the round's roster. */
export async function roundHandoverPlan(db: Db, roundId: string): Promise<{ trips: CrewTripRow[]; planned: PlannedHandover[]; duties: { driverId: string; start: number; end: number }[] }> {
  const [trips, roster] = await Promise.all([crewTrips(db, roundId), roundRoster(db, roundId)]);
  const duties = roster.duties.map((d) => ({ driverId: d.driverId, start: d.start, end: d.end }));
  return { trips, planned: plannedHandovers(trips, duties), duties };
}

/** A handover as read: the stored one's state and times, or the vehicle as it stands now. */
export async function handoverView(db: Db, roundId: string, h: PlannedHandover, trips: readonly CrewTripRow[], saved: StoredHandover | undefined, names: Map<string, string>): Promise<HandoverView> {
  const next = trips.find((t) => t.tripId === h.toTripId)!;
  const state = saved?.handedAt ? saved.state : await vehicleStateBefore(db, roundId, h.vehicleId, next.departS);
  return {
    roundId, tripId: h.toTripId, fromTripId: h.fromTripId, vehicleId: h.vehicleId, vehicleName: next.vehicleName,
    fromDriver: { id: h.fromDriverId, name: names.get(h.fromDriverId) ?? '' }, toDriver: { id: h.toDriverId, name: names.get(h.toDriverId) ?? '' },
    atS: h.atS, shiftStartMin: ROUND_SHIFT_START_MIN, state, note: saved?.note ?? null,
    handedAt: saved?.handedAt?.toISOString() ?? null, acceptedAt: saved?.acceptedAt?.toISOString() ?? null,
  };
}

/**
 * The handover before the trip, for its two drivers, dispatchers and admins. A driver who is neither
 * side, or asks of a trip with no handover before it, is refused (403, audited) without being told
 * which.
 */
async function loadHandover(deps: HandoverDeps, actor: Actor, roundId: string, tripId: string, action: string, may: 'either' | 'from' | 'to', reqId: string | undefined) {
  const ctx = { audit: deps.audit, reqId };
  const subjectId = `${roundId}/${tripId}`;
  await guardRole(ctx, actor, ROLES, action, 'trip', subjectId);
  const { trips, planned } = await roundHandoverPlan(deps.db, roundId);
  const h = planned.find((p) => p.toTripId === tripId);
  if (actor.role === 'driver') {
    const sides = h ? [...(may !== 'to' ? [h.fromDriverId] : []), ...(may !== 'from' ? [h.toDriverId] : [])] : [];
    await guardDecision(ctx, actor, sides.some((d) => canAccessDriver(actor, d)), action, 'trip', subjectId);
  }
  const names = await driverNames(deps.db, h ? [h.fromDriverId, h.toDriverId] : []);
  return { h, trips, names, subjectId };
}

const noHandover = () => new AppError('not_found', 'no handover before this trip: the vehicle keeps its driver');

/** null: the trip's vehicle keeps its driver (no shift change before the trip). */
export async function readHandover(deps: HandoverDeps, actor: Actor, roundId: string, tripId: string, reqId?: string): Promise<{ handover: HandoverView | null }> {
  const { h, trips, names, subjectId } = await loadHandover(deps, actor, roundId, tripId, 'handover.read', 'either', reqId);
  if (!h && !trips.some((t) => t.tripId === tripId)) throw new AppError('not_found', 'no trip of this round has this id');
  const view = h ? await handoverView(deps.db, roundId, h, trips, await findHandover(deps.db, roundId, tripId), names) : null;
  await deps.audit?.record({ actor, action: 'handover.read', subjectType: 'trip', subjectId, outcome: 'allowed', reqId: reqId ?? null });
  return { handover: view };
}

/** The outgoing driver hands the vehicle over (`handed`), or the incoming driver accepts it (`accepted`). */
export async function recordHandover(
  deps: HandoverDeps, actor: Actor, roundId: string, tripId: string, side: 'handed' | 'accepted',
  input: { note?: string | undefined; at?: string | undefined }, reqId?: string,
): Promise<{ handover: HandoverView; replayed: boolean }> {
  const action = side === 'handed' ? 'handover.hand' : 'handover.accept';
  const { h, trips, names, subjectId } = await loadHandover(deps, actor, roundId, tripId, action, side === 'handed' ? 'from' : 'to', reqId);
  const audited = () => deps.audit?.record({ actor, action, subjectType: 'trip', subjectId, outcome: 'allowed', reqId: reqId ?? null });
  const before = await findHandover(deps.db, roundId, tripId);
  const status = await roundStatusOf(deps.db, roundId);
  if (!h || !before || !(side === 'handed' ? before.handedAt : before.acceptedAt)) {
    if (!ON_ROAD_ROUND_STATUSES.includes(status as RoundStatus)) throw new AppError('invalid_transition', `the round is ${status ?? 'unknown'}: vehicles change hands once it is dispatched`);
    if (!h) throw noHandover();
  }
  const answer = async (replayed: boolean) => ({ handover: await handoverView(deps.db, roundId, h, trips, await findHandover(deps.db, roundId, tripId), names), replayed });
  if (before && (side === 'handed' ? before.handedAt : before.acceptedAt)) {
    await audited();
    return answer(true);
  }
  const at = phoneTime(deps.clock.now(), input.at, side === 'handed' ? 'handedAt' : 'acceptedAt');
  const state: VehicleState = await vehicleStateBefore(deps.db, roundId, h.vehicleId, trips.find((t) => t.tripId === tripId)!.departS);
  const key = { roundId, tripId, vehicleId: h.vehicleId, fromDriverId: h.fromDriverId, toDriverId: h.toDriverId };
  const event: LiveEvent = { type: 'vehicle.handover', ...key, stage: side, at: at.toISOString() };
  const scopes = [scope.dispatch, scope.driver(h.fromDriverId), scope.driver(h.toDriverId)];
  const stored = await deps.db.transaction().execute(async (trx) => {
    if (!(await recordHandoverSide(trx, key, side, at, actor.userId, state, side === 'handed' ? (input.note || null) : null))) return null;
    return (await deps.publisher?.store(trx, scopes, event)) ?? [];
  });
  if (stored !== null) await deps.publisher?.release(stored);
  await audited();
  // null: stored a moment ago by a concurrent replay; answered as a replay is.
  return answer(stored === null);
}
