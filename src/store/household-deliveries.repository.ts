/**
 * A household's next deliveries (issue #17, item 7): the open stops its needs are on in approved
 * rounds and rounds on the road, with the gate, the trip's vehicle; and the van's last report on a
 * trip (where and when it was last seen: a stop it closed, or a position), read from the trip's
 * stored live events. Need ids and kinds only, never what is in the bags.
 */
import { sql } from 'kysely';
import { ON_ROAD_ROUND_STATUSES, type RoundStatus } from '../domain/round';
import type { NeedKind } from '../domain/need-kinds';
import type { Db } from './db';

/** Rounds whose plan a household may count on: approved, or on the road. */
const PLANNED_FOR_HOUSEHOLD: readonly RoundStatus[] = ['approved', ...ON_ROAD_ROUND_STATUSES];

export interface HouseholdStopRow {
  needId: string; kind: NeedKind; needStatus: 'planned' | 'out_for_delivery';
  roundId: string; roundStatus: RoundStatus; tripId: string; stopId: string;
  gate: string; vehicleName: string; vehiclePlate: string | null;
}

/** Each open need of the household on an open stop of such a round (the newest round when several), by need id. */
export async function householdStops(db: Db, householdId: string): Promise<HouseholdStopRow[]> {
  const rows = await sql<{
    need_id: string; kind: NeedKind; need_status: HouseholdStopRow['needStatus']; round_id: string; round_status: RoundStatus; trip_id: string; stop_id: string;
    gate: string; vehicle_name: string; plate: string | null;
  }>`
    select distinct on (n.id) n.id as need_id, n.kind, n.status as need_status, r.id as round_id, r.status as round_status, s.trip_id, s.id::text as stop_id,
      a.name as gate, v.name as vehicle_name, v.plate
    from needs n
    join round_bags b on b.need_id = n.id
    join round_stops s on s.id = b.stop_id
    join rounds r on r.id = s.round_id
    join round_trips t on t.round_id = s.round_id and t.id = s.trip_id
    join vehicles v on v.id = t.vehicle_id
    join areas a on a.id = s.corridor_id
    where n.household_id = ${householdId} and n.status in ('planned', 'out_for_delivery')
      and s.status in ('pending', 'loaded') and r.status in (${sql.join(PLANNED_FOR_HOUSEHOLD)})
    order by n.id, r.created_at desc`.execute(db);
  return rows.rows.map((r) => ({
    needId: r.need_id, kind: r.kind, needStatus: r.need_status, roundId: r.round_id, roundStatus: r.round_status, tripId: r.trip_id, stopId: r.stop_id,
    gate: r.gate, vehicleName: r.vehicle_name, vehiclePlate: r.plate,
  }));
}

/** Where and when the van was last seen on a trip: it left its depot, left a stop (delivered or failed there), or reported its position. */
export type VanReport = { kind: 'left_stop'; stopId: string; at: Date } | { kind: 'position' | 'left_depot'; lat: number; lon: number; at: Date };

const REPORTS = ['trip.departed', 'stop.delivered', 'stop.failed', 'vehicle.position'];

/**
 * The van's latest report on the trip, from the events stored in its batch's live scope (the last of
 * each kind, the latest by its own time: a departure replayed from a phone after a stop report is
 * older than that report); null: none yet.
 */
export async function lastVanReport(db: Db, roundId: string, tripId: string): Promise<VanReport | null> {
  const rows = await sql<{ type: string; payload: { stopId?: string; lat?: number; lon?: number; at: string }; depot_lat: number | null; depot_lon: number | null }>`
    select distinct on (e.type) e.type, e.payload, d.lat as depot_lat, d.lon as depot_lon
    from live_events e
    left join round_trips t on e.type = 'trip.departed' and t.round_id = ${roundId} and t.id = ${tripId}
    left join depots d on d.id = t.depot_id
    where e.scope = ${`batch:${roundId}_${tripId}`} and e.type in (${sql.join(REPORTS)})
    order by e.type, e.seq desc`.execute(db);
  const latest = rows.rows.sort((a, b) => Date.parse(b.payload.at) - Date.parse(a.payload.at))[0];
  if (!latest) return null;
  const at = new Date(latest.payload.at);
  switch (latest.type) {
    case 'trip.departed':
      return { kind: 'left_depot', lat: Number(latest.depot_lat), lon: Number(latest.depot_lon), at };
    case 'vehicle.position':
      return { kind: 'position', lat: Number(latest.payload.lat), lon: Number(latest.payload.lon), at };
    default:
      return { kind: 'left_stop', stopId: String(latest.payload.stopId), at };
  }
}
