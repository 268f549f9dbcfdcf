/**
 * Urgent insertion: an emergency need goes into the live plan of its area without reshuffling what
 * is already loaded. Every existing stop keeps its trip (so its vehicle) and its order; the new stop
 * takes the cheapest feasible position after the last visited stop of a running trip, or else a
 * dedicated trip on a vehicle of the round. Idempotent: a need already placed is not placed again.
 */
import { sql } from 'kysely';
import { jobId } from '../../contracts/jobs';
import { haversineMetres } from '../../planning/model/travel.matrix';
import type { Producers } from '../../queue/producers';
import type { Db } from '../../store/db';
import { assignHandoffCodes } from '../../store/handoff.repository';
import { moveNeeds } from '../../store/round.repository';
import { insertTrip } from '../../store/round-plan.repository';
import { bagsOf, demandOf, SHIFT_S } from '../../planning/adapters/round-problem';
import type { NeedKind, Urgency } from '../../domain/kinds';

/** Rounds whose plan is live enough to take an urgent stop. */
const LIVE = ['approved', 'dispatched', 'in_progress'] as const;
const SPEED_MPS = 8.33;
const ROAD_FACTOR = 1.3;
const URGENT_SERVICE_S = 120;

export type UrgentOutcome =
  | { status: 'inserted'; roundId: string; tripId: string; seq: number; dedicatedTrip: boolean }
  | { status: 'skipped'; reason: 'not-accepted' | 'no-live-round' | 'no-vehicle' };

interface Point { lat: number; lon: number }

export async function insertUrgentNeed(db: Db, needId: string): Promise<UrgentOutcome> {
  return db.transaction().execute(async (trx) => {
    const need = await sql<{ id: string; kind: NeedKind; urgency: Urgency; status: string; corridor_id: string; community_id: string; members: number; lat: number; lon: number }>`
      select n.id, n.kind, n.urgency, n.status, n.corridor_id, n.community_id, h.members, h.lat, h.lon
      from needs n join households h on h.id = n.household_id where n.id = ${needId} for update of n`.execute(trx);
    const n = need.rows[0];
    if (!n || n.status !== 'accepted') return { status: 'skipped', reason: 'not-accepted' };
    const round = await liveRoundFor(trx, n.community_id);
    if (!round) return { status: 'skipped', reason: 'no-live-round' };
    const forPlan = { id: n.id, kind: n.kind, urgency: n.urgency, corridorId: n.corridor_id, members: n.members, quantity: null, lat: Number(n.lat), lon: Number(n.lon) };
    const bags = bagsOf(forPlan);
    const place = await cheapestInsertion(trx, round.id, forPlan, demandOf(forPlan).bags);
    let tripId: string;
    let seq: number;
    if (place) {
      ({ tripId, seq } = place);
      // Later stops move one place down; the unique (trip, seq) key is checked at commit.
      await trx.updateTable('round_stops').set((eb) => ({ seq: eb('seq', '+', 1) })).where('round_id', '=', round.id).where('trip_id', '=', tripId).where('seq', '>=', seq).execute();
      const stop = await trx.insertInto('round_stops').values({ round_id: round.id, trip_id: tripId, seq, corridor_id: n.corridor_id, planned_start_s: place.startS, urgent: true, status: round.status === 'approved' ? 'pending' : 'loaded' }).returning('id').executeTakeFirstOrThrow();
      await trx.insertInto('round_bags').values(bags.map((b) => ({ round_id: round.id, bag_id: b.bagId, stop_id: stop.id, need_id: b.needId, item: b.item }))).execute();
    } else {
      // The dedicated trip goes to a vehicle of the round (its crew's next trip), so its driver sees it.
      const vehicle = await trx.selectFrom('round_trips').select(['vehicle_id', 'depot_id', 'driver_id']).select((eb) => eb.fn.max('trip_no').as('last'))
        .where('round_id', '=', round.id).groupBy(['vehicle_id', 'depot_id', 'driver_id']).orderBy('vehicle_id').executeTakeFirst();
      if (!vehicle) return { status: 'skipped', reason: 'no-vehicle' };
      tripId = `urgent-${n.id}`;
      seq = 0;
      await insertTrip(trx, round.id, {
        id: tripId, vehicleId: vehicle.vehicle_id, depotId: vehicle.depot_id, driverId: vehicle.driver_id, tripNo: Number(vehicle.last) + 1, subproblemId: 'urgent',
        distanceM: 0, durationS: 0, stops: [{ corridorId: n.corridor_id, plannedStartS: 0, bags, urgent: true }],
      });
    }
    await trx.insertInto('round_needs').values({ round_id: round.id, need_id: n.id, subproblem_id: 'urgent' }).onConflict((oc) => oc.doNothing()).execute();
    await moveNeeds(trx, [n.id], 'accepted', 'planned', 'urgent-planner', `urgent insertion, round ${round.id}`);
    if (round.status !== 'approved') {
      await moveNeeds(trx, [n.id], 'planned', 'out_for_delivery', 'urgent-planner', `urgent insertion, round ${round.id}`);
      await assignHandoffCodes(trx, round.id); // a stop added after dispatch needs its gate code too
    }
    return { status: 'inserted', roundId: round.id, tripId, seq, dedicatedTrip: !place };
  });
}

async function liveRoundFor(trx: Db, communityId: string): Promise<{ id: string; status: string } | undefined> {
  // The round whose area contains the need's community: walk up the grid from the community.
  const res = await sql<{ id: string; status: string }>`
    with recursive up as (
      select id, parent_id from areas where id = ${communityId}
      union all select a.id, a.parent_id from areas a join up on a.id = up.parent_id
    )
    select r.id, r.status from rounds r where r.area_id in (select id from up) and r.status in (${sql.join(LIVE)})
    order by r.created_at desc limit 1 for update of r`.execute(trx);
  return res.rows[0];
}

async function cheapestInsertion(trx: Db, roundId: string, need: Point, bags: number): Promise<{ tripId: string; seq: number; startS: number } | undefined> {
  const stops = await sql<{ trip_id: string; seq: number; status: string; planned_start_s: number; lat: number; lon: number; depot_lat: number; depot_lon: number; cap_bags: number | null; bags: string; duration_s: number; depart_s: number; back_by_s: number | null }>`
    select s.trip_id, s.seq, s.status, s.planned_start_s, c.lat, c.lon, d.lat as depot_lat, d.lon as depot_lon, coalesce(v.capacity->>'bags', v.capacity->>'packages')::float as cap_bags, t.duration_s, t.depart_s,
      -- A van on several trips must be back (and reloaded) before its next trip leaves.
      (select min(n.depart_s) - 60 * v.reload_minutes from round_trips n where n.round_id = t.round_id and n.vehicle_id = t.vehicle_id and n.trip_no > t.trip_no) as back_by_s,
      (select count(*) from round_bags b where b.stop_id = s.id) as bags
    from round_stops s
    join round_trips t on t.round_id = s.round_id and t.id = s.trip_id
    join vehicles v on v.id = t.vehicle_id join depots d on d.id = t.depot_id
    join lateral (select avg(h.lat) as lat, avg(h.lon) as lon from households h where h.corridor_id = s.corridor_id) c on true
    where s.round_id = ${roundId} order by s.trip_id, s.seq`.execute(trx);
  const trips = new Map<string, typeof stops.rows>();
  for (const s of stops.rows) trips.set(s.trip_id, [...(trips.get(s.trip_id) ?? []), s]);
  let best: { tripId: string; seq: number; startS: number; cost: number } | undefined;
  for (const [tripId, list] of trips) {
    const first = list[0]!;
    const load = list.reduce((a, s) => a + Number(s.bags), 0);
    if (first.cap_bags !== null && load + bags > first.cap_bags) continue;
    const depot = { lat: Number(first.depot_lat), lon: Number(first.depot_lon) };
    const points: Point[] = [depot, ...list.map((s) => ({ lat: Number(s.lat), lon: Number(s.lon) })), depot];
    // Never before a stop already delivered (or failed): the vehicle has passed it.
    const lastDone = list.reduce((acc, s, i) => (s.status === 'delivered' || s.status === 'failed' ? i : acc), -1);
    for (let pos = lastDone + 1; pos <= list.length; pos++) {
      const a = points[pos]!;
      const b = points[pos + 1]!;
      const detour = (metres(a, need) + metres(need, b) - metres(a, b));
      const backBy = first.back_by_s === null ? SHIFT_S : Math.min(SHIFT_S, Number(first.back_by_s));
      if (Number(first.depart_s) + Number(first.duration_s) + detour / SPEED_MPS + URGENT_SERVICE_S > backBy) continue;
      if (best && detour >= best.cost) continue;
      const prev = list[pos - 1];
      const startS = (prev ? Number(prev.planned_start_s) + URGENT_SERVICE_S : Number(first.depart_s)) + metres(a, need) / SPEED_MPS;
      best = { tripId, seq: list[pos]?.seq ?? list[list.length - 1]!.seq + 1, startS, cost: detour };
    }
  }
  return best;
}

const metres = (a: Point, b: Point): number => haversineMetres(a, b) * ROAD_FACTOR;

/** Reconciler part: emergency needs still accepted and outside any live plan go back on the queue. */
export async function requeueUrgentNeeds(deps: { db: Db; producers: Pick<Producers, 'add'> }): Promise<number> {
  const rows = await deps.db.selectFrom('needs').select('id')
    .where('status', '=', 'accepted').where('urgency', '=', 'emergency').execute();
  for (const r of rows) await deps.producers.add('need.urgent', { needId: r.id }, { id: jobId('need.urgent', r.id) });
  return rows.length;
}
