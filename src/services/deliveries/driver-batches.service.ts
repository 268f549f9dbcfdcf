/**
 * A driver's batches of the day: the trips of dispatched (or running) rounds assigned to them, in
 * route order, each stop with its gate (corridor), position, status and bags. Bags carry their id,
 * household and need kind only: never a drug name or a need's details.
 */
import { sql } from 'kysely';
import type { Db } from '../../store/db';
import { batchId } from '../../contracts/events';
import { ON_ROAD_ROUND_STATUSES } from '../../domain/round';

export interface DriverStopBag { bagId: string; householdId: string; kind: string }
export interface DriverStop {
  stopId: string; seq: number; corridorId: string; gate: string; community: string | null;
  /** Usernames of the corridor's coordinators, to hand the bags over to. */
  coordinators: string[]; lat: number | null; lon: number | null;
  status: 'pending' | 'loaded' | 'delivered' | 'failed'; urgent: boolean; bags: DriverStopBag[];
  /** Shown to the coordinator at the gate, who types it in to confirm the handover. Only the driver reads it. */
  handoffCode: string | null;
}
export interface DriverBatch {
  batchId: string; roundId: string; tripNo: number;
  /** Leaves the depot, seconds from the round's start: trip 2 leaves once trip 1 is back and reloaded. */
  departS: number;
  roundStatus: string; stops: DriverStop[];
}

export async function driverBatches(db: Db, driverId: string): Promise<DriverBatch[]> {
  const rows = await sql<{
    round_id: string; trip_id: string; trip_no: number; depart_s: number; round_status: string; stop_id: string; seq: number; corridor_id: string;
    gate: string; community: string | null; coordinators: string[] | null; lat: number | null; lon: number | null; status: DriverStop['status']; urgent: boolean; bags: DriverStopBag[] | null; handoff_code: string | null;
  }>`
    select t.round_id, t.id as trip_id, t.trip_no, t.depart_s, r.status as round_status, s.id::text as stop_id, s.seq, s.corridor_id,
      a.name as gate, (select c.name from areas c where c.id = a.community_id) as community,
      (select array_agg(u.username order by u.username) from coordinator_assignments ca join users u on u.id::text = ca.user_id
         where ca.corridor_id = s.corridor_id and u.disabled_at is null) as coordinators,
      a.lat, a.lon, s.status, s.urgent, s.handoff_code,
      (select json_agg(json_build_object('bagId', b.bag_id, 'householdId', n.household_id, 'kind', n.kind) order by b.bag_id)
         from round_bags b join needs n on n.id = b.need_id where b.stop_id = s.id) as bags
    from round_trips t
    join rounds r on r.id = t.round_id
    join round_stops s on s.round_id = t.round_id and s.trip_id = t.id
    join areas a on a.id = s.corridor_id
    where t.driver_id = ${driverId} and r.status in (${sql.join(ON_ROAD_ROUND_STATUSES)})
    order by r.created_at, t.trip_no, s.seq`.execute(db);
  const batches = new Map<string, DriverBatch>();
  for (const r of rows.rows) {
    const id = batchId(r.round_id, r.trip_id);
    let batch = batches.get(id);
    if (!batch) {
      batch = { batchId: id, roundId: r.round_id, tripNo: Number(r.trip_no), departS: Number(r.depart_s), roundStatus: r.round_status, stops: [] };
      batches.set(id, batch);
    }
    batch.stops.push({
      stopId: r.stop_id, seq: Number(r.seq), corridorId: r.corridor_id, gate: r.gate, community: r.community, coordinators: r.coordinators ?? [], lat: r.lat === null ? null : Number(r.lat),
      lon: r.lon === null ? null : Number(r.lon), status: r.status, urgent: r.urgent, bags: r.bags ?? [], handoffCode: r.handoff_code,
    });
  }
  return [...batches.values()];
}
