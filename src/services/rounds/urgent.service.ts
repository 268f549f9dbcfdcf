/**
 * Urgent insertion: an emergency need goes into the live plan of its area without reshuffling what
 * is already loaded. Every existing stop keeps its trip (so its vehicle) and its order; the new stop
 * takes the cheapest position the plan validator accepts (load in every dimension, skills, gate
 * hours, shift, the van's next trip) after the last visited stop of a trip, or else a dedicated trip
 * on a vehicle of the round that still has a trip to spare; else the need stays accepted and the
 * outcome says why (the emergency desk falls back to a transport trip). The changed plan is validated
 * in full before commit. Idempotent: a need already placed is not placed again.
 */
import { jobId } from '../../contracts/jobs';
import { checkStoredPlan, withDriverFor } from '../../planning/adapters/stored-plan';
import { placeUrgentStop } from '../../planning/adapters/urgent-placement';
import type { Producers } from '../../queue/producers';
import type { Db } from '../../store/db';
import { assignHandoffCodes } from '../../store/handoff.repository';
import { linkRoundNeed, moveNeeds } from '../../store/round.repository';
import { insertTrip } from '../../store/round-plan.repository';
import { loadNeedsById } from '../../store/round-inputs.repository';
import { acceptedEmergencyNeedIds, driversOfRound, insertUrgentStop, lockLiveRoundOver, lockUrgentNeed } from '../../store/round-urgent.repository';
import { bagsOf } from '../../planning/adapters/round-problem';
import { loadCheckedPlan } from './plan-check.service';

export type UrgentOutcome =
  | { status: 'inserted'; roundId: string; tripId: string; seq: number; dedicatedTrip: boolean }
  | { status: 'skipped'; reason: 'not-accepted' | 'no-live-round' | 'no-vehicle' }
  /** No position nor dedicated trip keeps every rule of the plan: `rule` names the first one broken. */
  | { status: 'skipped'; reason: 'no-feasible-place'; roundId: string; rule: string };

/** An urgent need placed: where it went. */
export type UrgentInserted = Extract<UrgentOutcome, { status: 'inserted' }>;

/** `alongside`: writes that belong with a placed need (its live events), in the insertion's transaction. */
export async function insertUrgentNeed(db: Db, needId: string, alongside?: (trx: Db, inserted: UrgentInserted) => Promise<void>): Promise<UrgentOutcome> {
  return db.transaction().execute(async (trx) => {
    const outcome = await insertIn(trx, needId);
    if (outcome.status === 'inserted') await alongside?.(trx, outcome);
    return outcome;
  });
}

async function insertIn(trx: Db, needId: string): Promise<UrgentOutcome> {
  const n = await lockUrgentNeed(trx, needId);
  if (!n || n.status !== 'accepted') return { status: 'skipped', reason: 'not-accepted' };
  // The round whose area contains the need's community.
  const round = await lockLiveRoundOver(trx, n.communityId);
  if (!round) return { status: 'skipped', reason: 'no-live-round' };
  const [need] = await loadNeedsById(trx, [n.id]);
  if (!need) return { status: 'skipped', reason: 'not-accepted' };
  const plan = await loadCheckedPlan(trx, round.id);
  const drivers = await driversOfRound(trx, round.id);
  if (drivers.length === 0) return { status: 'skipped', reason: 'no-vehicle' };
  const place = placeUrgentStop(plan, { id: '', corridorId: n.corridorId, needs: [need] }, drivers.map((d) => d.vehicleId));
  if (place.kind === 'none') return { status: 'skipped', reason: 'no-feasible-place', roundId: round.id, rule: place.breaks[0]?.rule ?? 'plan' };
  // A trip of its own needs a driver on shift over it, chosen as the planner chooses (issue #18, item 3).
  const placed = place.kind === 'trip' ? withDriverFor(place.plan, '') : place.plan;
  // The whole plan with the new stop (read under the round's lock: the stored plan plus exactly this
  // change), every rule of every trip (its drivers' too), before anything is written.
  const whole = checkStoredPlan(placed);
  if (!whole.ok) return { status: 'skipped', reason: 'no-feasible-place', roundId: round.id, rule: whole.breaks[0]!.rule };
  const bags = bagsOf(need);
  let tripId: string;
  let seq: number;
  if (place.kind === 'stop') {
    tripId = place.tripId;
    const trip = plan.trips.find((t) => t.id === tripId)!;
    seq = trip.stops[place.index]?.seq ?? (trip.stops.at(-1)?.seq ?? -1) + 1;
    await insertUrgentStop(trx, round.id, { tripId, seq, corridorId: n.corridorId, plannedStartS: place.startS, status: round.status === 'approved' ? 'pending' : 'loaded', bags });
  } else {
    // The dedicated trip goes to a vehicle of the round (its crew's next trip), so its driver sees it.
    const vehicle = drivers.find((d) => d.vehicleId === place.vehicleId)!;
    tripId = `urgent-${n.id}`;
    seq = 0;
    await insertTrip(trx, round.id, {
      id: tripId, vehicleId: vehicle.vehicleId, depotId: vehicle.depotId, driverId: placed.drivers ? placed.drivers.driverOf.get('') ?? null : vehicle.driverId, tripNo: place.tripNo, subproblemId: 'urgent',
      distanceM: 0, durationS: 0, departS: place.departS,
      stops: [{ corridorId: n.corridorId, plannedStartS: place.startS, bags, urgent: true }],
    });
  }
  await linkRoundNeed(trx, round.id, n.id, 'urgent');
  await moveNeeds(trx, [n.id], 'accepted', 'planned', 'urgent-planner', `urgent insertion, round ${round.id}`);
  if (round.status !== 'approved') {
    await moveNeeds(trx, [n.id], 'planned', 'out_for_delivery', 'urgent-planner', `urgent insertion, round ${round.id}`);
    await assignHandoffCodes(trx, round.id); // a stop added after dispatch needs its gate code too
  }
  return { status: 'inserted', roundId: round.id, tripId, seq, dedicatedTrip: place.kind === 'trip' };
}

/** Reconciler part: emergency needs still accepted and outside any live plan go back on the queue. */
export async function requeueUrgentNeeds(deps: { db: Db; producers: Pick<Producers, 'add'> }): Promise<number> {
  const ids = await acceptedEmergencyNeedIds(deps.db);
  for (const needId of ids) await deps.producers.add('need.urgent', { needId }, { id: jobId('need.urgent', needId) });
  return ids.length;
}
