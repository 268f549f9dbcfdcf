/**
 * Urgent insertion: an emergency need goes into the live plan of its area without reshuffling what
 * is already loaded. Every existing stop keeps its trip (so its vehicle) and its order; the new stop
 * takes the cheapest feasible position after the last visited stop of a running trip, or else a
 * dedicated trip on a vehicle of the round. Idempotent: a need already placed is not placed again.
 */
import { jobId } from '../../contracts/jobs';
import { haversineMetres } from '../../planning/model/travel.matrix';
import type { Producers } from '../../queue/producers';
import type { Db } from '../../store/db';
import { assignHandoffCodes } from '../../store/handoff.repository';
import { linkRoundNeed, moveNeeds } from '../../store/round.repository';
import { insertTrip } from '../../store/round-plan.repository';
import { acceptedEmergencyNeedIds, firstVehicleOfRound, insertionStops, insertUrgentStop, lockLiveRoundOver, lockUrgentNeed, type InsertionStop } from '../../store/round-urgent.repository';
import { bagsOf, demandOf, SHIFT_S } from '../../planning/adapters/round-problem';
const SPEED_MPS = 8.33;
const ROAD_FACTOR = 1.3;
const URGENT_SERVICE_S = 120;

export type UrgentOutcome =
  | { status: 'inserted'; roundId: string; tripId: string; seq: number; dedicatedTrip: boolean }
  | { status: 'skipped'; reason: 'not-accepted' | 'no-live-round' | 'no-vehicle' };

interface Point { lat: number; lon: number }

export async function insertUrgentNeed(db: Db, needId: string): Promise<UrgentOutcome> {
  return db.transaction().execute(async (trx) => {
    const n = await lockUrgentNeed(trx, needId);
    if (!n || n.status !== 'accepted') return { status: 'skipped', reason: 'not-accepted' };
    // The round whose area contains the need's community.
    const round = await lockLiveRoundOver(trx, n.communityId);
    if (!round) return { status: 'skipped', reason: 'no-live-round' };
    const forPlan = { id: n.id, kind: n.kind, urgency: n.urgency, corridorId: n.corridorId, members: n.members, quantity: null, lat: n.lat, lon: n.lon };
    const bags = bagsOf(forPlan);
    const place = cheapestInsertion(await insertionStops(trx, round.id), forPlan, demandOf(forPlan).bags);
    let tripId: string;
    let seq: number;
    if (place) {
      ({ tripId, seq } = place);
      await insertUrgentStop(trx, round.id, { tripId, seq, corridorId: n.corridorId, plannedStartS: place.startS, status: round.status === 'approved' ? 'pending' : 'loaded', bags });
    } else {
      // The dedicated trip goes to a vehicle of the round (its crew's next trip), so its driver sees it.
      const vehicle = await firstVehicleOfRound(trx, round.id);
      if (!vehicle) return { status: 'skipped', reason: 'no-vehicle' };
      tripId = `urgent-${n.id}`;
      seq = 0;
      await insertTrip(trx, round.id, {
        id: tripId, vehicleId: vehicle.vehicleId, depotId: vehicle.depotId, driverId: vehicle.driverId, tripNo: vehicle.lastTripNo + 1, subproblemId: 'urgent',
        distanceM: 0, durationS: 0, stops: [{ corridorId: n.corridorId, plannedStartS: 0, bags, urgent: true }],
      });
    }
    await linkRoundNeed(trx, round.id, n.id, 'urgent');
    await moveNeeds(trx, [n.id], 'accepted', 'planned', 'urgent-planner', `urgent insertion, round ${round.id}`);
    if (round.status !== 'approved') {
      await moveNeeds(trx, [n.id], 'planned', 'out_for_delivery', 'urgent-planner', `urgent insertion, round ${round.id}`);
      await assignHandoffCodes(trx, round.id); // a stop added after dispatch needs its gate code too
    }
    return { status: 'inserted', roundId: round.id, tripId, seq, dedicatedTrip: !place };
  });
}

/** The cheapest feasible place for the need among the round's stops (in trip then seq order), or undefined. */
function cheapestInsertion(stops: readonly InsertionStop[], need: Point, bags: number): { tripId: string; seq: number; startS: number } | undefined {
  const trips = new Map<string, InsertionStop[]>();
  for (const s of stops) trips.set(s.tripId, [...(trips.get(s.tripId) ?? []), s]);
  let best: { tripId: string; seq: number; startS: number; cost: number } | undefined;
  for (const [tripId, list] of trips) {
    const first = list[0]!;
    const load = list.reduce((a, s) => a + s.bags, 0);
    if (first.capBags !== null && load + bags > first.capBags) continue;
    const depot = { lat: first.depotLat, lon: first.depotLon };
    const points: Point[] = [depot, ...list.map((s) => ({ lat: s.lat, lon: s.lon })), depot];
    // Never before a stop already delivered (or failed): the vehicle has passed it.
    const lastDone = list.reduce((acc, s, i) => (s.status === 'delivered' || s.status === 'failed' ? i : acc), -1);
    for (let pos = lastDone + 1; pos <= list.length; pos++) {
      const a = points[pos]!;
      const b = points[pos + 1]!;
      const detour = (metres(a, need) + metres(need, b) - metres(a, b));
      const backBy = first.backByS === null ? SHIFT_S : Math.min(SHIFT_S, first.backByS);
      if (first.departS + first.durationS + detour / SPEED_MPS + URGENT_SERVICE_S > backBy) continue;
      if (best && detour >= best.cost) continue;
      const prev = list[pos - 1];
      const startS = (prev ? prev.plannedStartS + URGENT_SERVICE_S : first.departS) + metres(a, need) / SPEED_MPS;
      best = { tripId, seq: list[pos]?.seq ?? list[list.length - 1]!.seq + 1, startS, cost: detour };
    }
  }
  return best;
}

const metres = (a: Point, b: Point): number => haversineMetres(a, b) * ROAD_FACTOR;

/** Reconciler part: emergency needs still accepted and outside any live plan go back on the queue. */
export async function requeueUrgentNeeds(deps: { db: Db; producers: Pick<Producers, 'add'> }): Promise<number> {
  const ids = await acceptedEmergencyNeedIds(deps.db);
  for (const needId of ids) await deps.producers.add('need.urgent', { needId }, { id: jobId('need.urgent', needId) });
  return ids.length;
}
