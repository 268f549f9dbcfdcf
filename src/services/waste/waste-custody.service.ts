/**
 * Chain of custody of epidemic waste (issue #18, item 2). At each pickup the crew (the trip's
 * driver) records bags and kg; at the disposal site the trip is weighed again, and a difference
 * over `weightTolerance` of what was picked up is flagged: stored on the trip's unload record and
 * published to the dispatch desk. After each waste trip the vehicle's disinfection is recorded; a
 * vehicle whose last waste trip has none is left out of food and medicine rounds (round.service).
 *
 * The trip's driver records for their trip, dispatchers and admins for any (from the paper, say);
 * nobody else. Every record is one per stop or trip: the same record again changes nothing (the
 * phone replays its offline queue), a pickup may be corrected until its trip is unloaded, an
 * unload or a disinfection is final.
 */
import type { z } from 'zod';
import type { disinfectionBody, disinfectionView, wastePickupBody, wastePickupView, wasteUnloadBody, wasteUnloadView } from '../../contracts/waste-custody.contract';
import { batchId, scope } from '../../contracts/events';
import { canAccessDriver, type Actor } from '../../domain/access';
import { ROUND_KIND_SPECS, WENT_OUT_ROUND_STATUSES, type RoundKind, type RoundStatus } from '../../domain/round';
import type { Clock } from '../../shared/clock';
import { AppError } from '../../shared/errors';
import type { Logger } from '../../shared/logger';
import type { Db } from '../../store/db';
import {
  custodyStop, custodyTrip, findDisinfection, findPickup, findUnload, insertDisinfection, insertUnload, lockTrip, pickedOnTrip, savePickup,
  type CustodyTrip, type Disinfection, type WasteUnload,
} from '../../store/waste-custody.repository';
import type { AuditService } from '../access/audit.service';
import { guardDecision, guardRole } from '../access/access-guard';
import type { LivePublisher } from '../live-status/live.service';
import { phoneTime } from '../shared/phone-time';

export interface CustodyDeps {
  db: Db; clock: Clock; audit: AuditService | undefined;
  /** Absent (an API without Redis): a flag is stored, not published. */
  publisher: Pick<LivePublisher, 'publish'> | undefined;
  /** WASTE_WEIGHT_TOLERANCE: the share of the picked-up kg the unload may differ by. */
  weightTolerance: number;
  logger?: Logger | undefined;
}

type Out<T extends z.ZodType> = { record: z.input<T>; replayed: boolean };

const RECORDERS = ['driver', 'dispatcher', 'admin'] as const;

/** Role first (refusals audited before anything is read), then the trip's driver only among drivers. */
async function guardTrip(deps: CustodyDeps, actor: Actor, trip: CustodyTrip | undefined, action: string, subjectId: string, reqId?: string): Promise<CustodyTrip> {
  await guardRole({ audit: deps.audit, reqId }, actor, RECORDERS, action, 'trip', subjectId);
  if (!trip) throw new AppError('not_found', 'no trip or stop of this round has this id');
  if (actor.role === 'driver') await guardDecision({ audit: deps.audit, reqId }, actor, trip.driverId !== null && canAccessDriver(actor, trip.driverId), action, 'trip', subjectId);
  if (!ROUND_KIND_SPECS[trip.roundKind as RoundKind].collects) throw new AppError('conflict', 'not a waste trip: custody is recorded on waste collection rounds');
  if (!WENT_OUT_ROUND_STATUSES.includes(trip.roundStatus as RoundStatus)) throw new AppError('invalid_transition', `the round is ${trip.roundStatus}: custody is recorded once it is dispatched`);
  return trip;
}

const timeOf = (deps: CustodyDeps, given: string | undefined, field: string): Date => phoneTime(deps.clock.now(), given, field);

const audited = (deps: CustodyDeps, actor: Actor, action: string, subjectId: string, reqId?: string) =>
  deps.audit?.record({ actor, action, subjectType: 'trip', subjectId, outcome: 'allowed', reqId: reqId ?? null });

export async function recordPickup(
  deps: CustodyDeps, actor: Actor, roundId: string, stopId: string, input: z.output<typeof wastePickupBody>, reqId?: string,
): Promise<Out<typeof wastePickupView>> {
  const action = 'waste.pickup_recorded';
  const stop = await custodyStop(deps.db, roundId, stopId);
  await guardTrip(deps, actor, stop, action, `${roundId}/stops/${stopId}`, reqId);
  const view = (p: { bags: number; kg: number; pickedAt: Date; recordedBy: string }): z.input<typeof wastePickupView> => ({
    roundId, stopId, tripId: stop!.tripId, bags: p.bags, kg: p.kg, pickedAt: p.pickedAt.toISOString(), recordedBy: p.recordedBy,
  });
  const existing = await findPickup(deps.db, roundId, stopId);
  if (existing && existing.bags === input.bags && existing.kg === input.kg) {
    await audited(deps, actor, action, `${roundId}/stops/${stopId}`, reqId);
    return { record: view(existing), replayed: true };
  }
  if (stop!.stopStatus === 'failed') throw new AppError('invalid_transition', 'this stop was reported failed: nothing was picked up');
  const pickup = { stopId, bags: input.bags, kg: input.kg, pickedAt: timeOf(deps, input.pickedAt, 'pickedAt'), recordedBy: actor.userId };
  await deps.db.transaction().execute(async (trx) => {
    await lockTrip(trx, roundId, stop!.tripId);
    if (await findUnload(trx, roundId, stop!.tripId)) throw new AppError('invalid_transition', 'this trip was weighed at the disposal site: its pickups are final');
    await savePickup(trx, roundId, pickup, deps.clock.now());
  });
  await audited(deps, actor, action, `${roundId}/stops/${stopId}`, reqId);
  return { record: view(pickup), replayed: false };
}

/** How far the unload is from the pickups: null when something came off a truck with nothing recorded picked up. */
export function discrepancyOf(pickedKg: number, unloadedKg: number): number | null {
  if (pickedKg > 0) return Math.abs(pickedKg - unloadedKg) / pickedKg;
  return unloadedKg > 0 ? null : 0;
}

export async function recordUnload(
  deps: CustodyDeps, actor: Actor, roundId: string, tripId: string, input: z.output<typeof wasteUnloadBody>, reqId?: string,
): Promise<Out<typeof wasteUnloadView>> {
  const action = 'waste.unload_recorded';
  const trip = await guardTrip(deps, actor, await custodyTrip(deps.db, roundId, tripId), action, `${roundId}/${tripId}`, reqId);
  const view = (u: WasteUnload): z.input<typeof wasteUnloadView> => ({
    roundId, tripId, siteId: u.siteId, kg: u.kg, pickedKg: u.pickedKg, discrepancy: u.discrepancy, flagged: u.flagged, unloadedAt: u.unloadedAt.toISOString(), recordedBy: u.recordedBy,
  });
  const refusal = 'this trip\'s weight at the disposal site is recorded: it is final';
  const existing = await findUnload(deps.db, roundId, tripId);
  if (existing) return replayOrRefuse(deps, actor, action, `${roundId}/${tripId}`, existing.kg === input.kg, view(existing), refusal, reqId);
  const unloadedAt = timeOf(deps, input.unloadedAt, 'unloadedAt');
  const unload = await deps.db.transaction().execute(async (trx) => {
    await lockTrip(trx, roundId, tripId);
    const picked = await pickedOnTrip(trx, roundId, tripId);
    const discrepancy = discrepancyOf(picked.kg, input.kg);
    const u: WasteUnload = {
      tripId, siteId: trip.siteId, kg: input.kg, pickedKg: picked.kg, discrepancy, flagged: discrepancy === null || discrepancy > deps.weightTolerance, unloadedAt, recordedBy: actor.userId,
    };
    return (await insertUnload(trx, roundId, u, deps.clock.now())) ? u : null;
  });
  if (!unload) {
    // Recorded a moment ago by a concurrent replay: answer as a replay does.
    const first = (await findUnload(deps.db, roundId, tripId))!;
    return replayOrRefuse(deps, actor, action, `${roundId}/${tripId}`, first.kg === input.kg, view(first), refusal, reqId);
  }
  await audited(deps, actor, action, `${roundId}/${tripId}`, reqId);
  if (unload.flagged) await publishFlag(deps, trip, unload);
  return { record: view(unload), replayed: false };
}

async function replayOrRefuse<V>(deps: CustodyDeps, actor: Actor, action: string, subjectId: string, same: boolean, record: V, refusal: string, reqId?: string): Promise<{ record: V; replayed: boolean }> {
  if (!same) throw new AppError('invalid_transition', refusal);
  await audited(deps, actor, action, subjectId, reqId);
  return { record, replayed: true };
}

/** To the dispatch desk, after the record committed; a failed publish never fails the record (the proposal shows the flag). */
async function publishFlag(deps: CustodyDeps, trip: CustodyTrip, unload: WasteUnload): Promise<void> {
  try {
    await deps.publisher?.publish([scope.dispatch], {
      type: 'waste.custody_flagged', roundId: trip.roundId, tripId: trip.tripId, batchId: batchId(trip.roundId, trip.tripId),
      vehicleId: trip.vehicleId, siteId: unload.siteId, at: deps.clock.now().toISOString(),
    });
  } catch (err) {
    deps.logger?.warn({ err, roundId: trip.roundId, tripId: trip.tripId }, 'custody flag not published');
  }
}

export async function recordDisinfection(
  deps: CustodyDeps, actor: Actor, roundId: string, tripId: string, input: z.output<typeof disinfectionBody>, reqId?: string,
): Promise<Out<typeof disinfectionView>> {
  const action = 'vehicle.disinfection_recorded';
  const trip = await guardTrip(deps, actor, await custodyTrip(deps.db, roundId, tripId), action, `${roundId}/${tripId}`, reqId);
  const view = (d: Disinfection): z.input<typeof disinfectionView> => ({
    roundId, tripId, vehicleId: d.vehicleId, agent: d.agent, disinfectedAt: d.disinfectedAt.toISOString(), recordedBy: d.recordedBy,
  });
  const refusal = 'this trip\'s disinfection is recorded: it is final';
  const existing = await findDisinfection(deps.db, roundId, tripId);
  if (existing) return replayOrRefuse(deps, actor, action, `${roundId}/${tripId}`, existing.agent === input.agent, view(existing), refusal, reqId);
  const record: Disinfection = { tripId, vehicleId: trip.vehicleId, agent: input.agent, disinfectedAt: timeOf(deps, input.disinfectedAt, 'disinfectedAt'), recordedBy: actor.userId };
  if (!(await insertDisinfection(deps.db, roundId, record, deps.clock.now()))) {
    const first = (await findDisinfection(deps.db, roundId, tripId))!;
    return replayOrRefuse(deps, actor, action, `${roundId}/${tripId}`, first.agent === input.agent, view(first), refusal, reqId);
  }
  await audited(deps, actor, action, `${roundId}/${tripId}`, reqId);
  return { record: view(record), replayed: false };
}
