/**
 * Waste pickups at a corridor's gate (issue #18, item 5): the stops of collection rounds on the road
 * at the corridor, with the truck, the planned time, what the corridor asked to be collected and,
 * once the crew recorded it, what was picked up (custody, migration 0030).
 */
import { sql } from 'kysely';
import { COLLECTING_ROUND_KINDS, ON_ROAD_ROUND_STATUSES } from '../domain/round';
import type { Db } from './db';
import type { StopStatus } from './delivery.repository';

export interface GateWasteRow {
  roundId: string; tripId: string; stopId: string; status: StopStatus;
  /** Seconds from the round's start, as the plan stored it. */
  plannedStartS: number;
  vehicleName: string; vehiclePlate: string | null;
  /** The corridor's requests on the stop (one per category). */
  requested: { category: string; bags: number; kg: number }[];
  pickup: { bags: number; kg: number; pickedAt: Date } | null;
}

/** Waste stops at the corridor of collection rounds on the road, by round creation and planned time. */
export async function gateWasteRows(db: Db, corridorId: string): Promise<GateWasteRow[]> {
  const rows = await sql<{
    round_id: string; trip_id: string; stop_id: string; status: StopStatus; planned_start_s: number; vehicle_name: string; plate: string | null;
    requested: GateWasteRow['requested'] | null; pickup_bags: number | null; pickup_kg: number | null; picked_at: Date | null;
  }>`
    select s.round_id, s.trip_id, s.id::text as stop_id, s.status, s.planned_start_s, v.name as vehicle_name, v.plate,
      (select json_agg(json_build_object('category', n.details->>'category', 'bags', (n.details->>'bags')::int, 'kg', (n.details->>'estimatedKg')::float8)
         order by n.details->>'category')
         from needs n where n.id in (select b.need_id from round_bags b where b.stop_id = s.id)) as requested,
      wp.bags as pickup_bags, wp.kg as pickup_kg, wp.picked_at
    from round_stops s
    join rounds r on r.id = s.round_id
    join round_trips t on t.round_id = s.round_id and t.id = s.trip_id
    join vehicles v on v.id = t.vehicle_id
    left join waste_pickups wp on wp.round_id = s.round_id and wp.stop_id = s.id
    where s.corridor_id = ${corridorId} and r.status in (${sql.join(ON_ROAD_ROUND_STATUSES)}) and r.kind in (${sql.join(COLLECTING_ROUND_KINDS)})
    order by r.created_at, s.planned_start_s, s.id`.execute(db);
  return rows.rows.map((r) => ({
    roundId: r.round_id, tripId: r.trip_id, stopId: r.stop_id, status: r.status, plannedStartS: Number(r.planned_start_s),
    vehicleName: r.vehicle_name, vehiclePlate: r.plate, requested: r.requested ?? [],
    pickup: r.pickup_kg === null ? null : { bags: Number(r.pickup_bags), kg: Number(r.pickup_kg), pickedAt: new Date(r.picked_at!) },
  }));
}
