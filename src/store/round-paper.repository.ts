/**
 * What the printed paper of a round reads (issue #17, item 5): a trip with its stops in order, the
 * loading of a depot's trips, and the bags with where they go. Names only, and nothing medical:
 * bags are counted by need kind, items come from the allocation (catalogue products, never a
 * procured medicine's drug), households by their flat (address).
 */
import { sql } from 'kysely';
import { vehicleLabel } from '../domain/fleet';
import type { NeedKind } from '../domain/kinds';
import type { RoundKind, RoundStatus } from '../domain/round';
import type { Db } from './db';

export interface PaperRound { id: string; kind: RoundKind; status: RoundStatus; areaName: string; createdAt: Date }

export interface PaperTrip {
  id: string; tripNo: number; departS: number; vehicle: string; depotId: string; depotName: string;
  driverId: string | null; driverName: string | null;
}

export interface PaperStop {
  id: string; seq: number; gate: string; community: string | null; plannedStartS: number; urgent: boolean;
  households: number; bags: number; bagsByKind: Partial<Record<NeedKind, number>>;
}

export async function paperRound(db: Db, roundId: string): Promise<PaperRound | undefined> {
  const row = await db.selectFrom('rounds as r').innerJoin('areas as a', 'a.id', 'r.area_id')
    .select(['r.id', 'r.kind', 'r.status', 'a.name as areaName', 'r.created_at as createdAt']).where('r.id', '=', roundId).executeTakeFirst();
  return row && { ...row, createdAt: new Date(row.createdAt) };
}

/** The round's trips (of one depot when given), by depot name and trip: vehicle, depot and driver by name. */
export async function paperTrips(db: Db, roundId: string, depotId?: string): Promise<PaperTrip[]> {
  const rows = await sql<{ id: string; trip_no: number; depart_s: number; vehicle_name: string; plate: string | null; depot_id: string; depot_name: string; driver_id: string | null; driver_name: string | null }>`
    select t.id, t.trip_no, t.depart_s, v.name as vehicle_name, v.plate, t.depot_id, p.name as depot_name, t.driver_id, d.name as driver_name
    from round_trips t join vehicles v on v.id = t.vehicle_id join depots p on p.id = t.depot_id left join drivers d on d.id = t.driver_id
    where t.round_id = ${roundId} and (${depotId ?? null}::uuid is null or t.depot_id = ${depotId ?? null}::uuid)
    order by p.name, v.name, t.trip_no, t.id`.execute(db);
  return rows.rows.map((r) => ({
    id: r.id, tripNo: Number(r.trip_no), departS: Number(r.depart_s), vehicle: vehicleLabel(r.vehicle_name, r.plate), depotId: r.depot_id, depotName: r.depot_name,
    driverId: r.driver_id, driverName: r.driver_name,
  }));
}

/** A trip's stops in route order: gate and community by name, households and bags counted (by need kind). */
export async function paperStops(db: Db, roundId: string, tripId: string): Promise<PaperStop[]> {
  const rows = await sql<{ id: string; seq: number; gate: string; community: string | null; planned_start_s: number; urgent: boolean; households: string; bags: string; by_kind: Record<string, number> | null }>`
    select s.id::text as id, s.seq, a.name as gate, c.name as community, s.planned_start_s, s.urgent,
      (select count(distinct n.household_id) from round_bags b join needs n on n.id = b.need_id where b.stop_id = s.id) as households,
      (select count(*) from round_bags b where b.stop_id = s.id) as bags,
      (select json_object_agg(k.item, k.n) from (select b.item, count(*) as n from round_bags b where b.stop_id = s.id group by b.item) k) as by_kind
    from round_stops s join areas a on a.id = s.corridor_id left join areas c on c.id = a.community_id
    where s.round_id = ${roundId} and s.trip_id = ${tripId}
    order by s.seq`.execute(db);
  return rows.rows.map((r) => ({
    id: r.id, seq: Number(r.seq), gate: r.gate, community: r.community, plannedStartS: Number(r.planned_start_s), urgent: r.urgent,
    households: Number(r.households), bags: Number(r.bags), bagsByKind: (r.by_kind ?? {}) as Partial<Record<NeedKind, number>>,
  }));
}

export interface TripLoad {
  tripId: string;
  bagsByKind: Partial<Record<NeedKind, number>>;
  /** Catalogue products the trip's bags hold (the allocation's lines, substitutes included), by name. */
  items: { code: string; name: string; quantity: number }[];
}

/** What each trip of the round loads: bags by need kind and the products inside them. */
export async function tripLoads(db: Db, roundId: string, tripIds: readonly string[]): Promise<TripLoad[]> {
  if (tripIds.length === 0) return [];
  const rows = await sql<{ trip_id: string; by_kind: Record<string, number> | null; items: { code: string; name: string; quantity: number }[] | null }>`
    with bags as (
      select s.trip_id, b.need_id, b.item from round_bags b join round_stops s on s.id = b.stop_id
      where b.round_id = ${roundId} and s.trip_id in (${sql.join(tripIds)})
    ), lines as (
      select t.trip_id, l.item, sum(l.quantity)::int as quantity
      from (select distinct trip_id, need_id from bags) t
      join round_needs rn on rn.round_id = ${roundId} and rn.need_id = t.need_id
      cross join lateral jsonb_to_recordset(coalesce(rn.items->'lines', '[]'::jsonb)) as l(item text, quantity int)
      group by t.trip_id, l.item
    )
    select k.trip_id,
      (select json_object_agg(x.item, x.n) from (select item, count(*) as n from bags where bags.trip_id = k.trip_id group by item) x) as by_kind,
      (select json_agg(json_build_object('code', l.item, 'name', coalesce(i.name, l.item), 'quantity', l.quantity) order by coalesce(i.name, l.item))
         from lines l left join items i on i.code = l.item where l.trip_id = k.trip_id) as items
    from (select distinct trip_id from bags) k`.execute(db);
  return rows.rows.map((r) => ({ tripId: r.trip_id, bagsByKind: (r.by_kind ?? {}) as TripLoad['bagsByKind'], items: r.items ?? [] }));
}

export interface PaperBag { bagId: string; kind: NeedKind; tripId: string; tripNo: number; vehicle: string; seq: number; gate: string; community: string | null; flat: string }

/** The round's bags (of one trip when given), by trip, stop, flat and bag id, with where each goes. */
export async function paperBags(db: Db, roundId: string, tripId?: string): Promise<PaperBag[]> {
  const rows = await sql<{ bag_id: string; kind: NeedKind; trip_id: string; trip_no: number; vehicle_name: string; plate: string | null; seq: number; gate: string; community: string | null; flat: string }>`
    select b.bag_id, b.item as kind, t.id as trip_id, t.trip_no, v.name as vehicle_name, v.plate, s.seq, a.name as gate, c.name as community, h.address as flat
    from round_bags b join round_stops s on s.id = b.stop_id
    join round_trips t on t.round_id = s.round_id and t.id = s.trip_id join vehicles v on v.id = t.vehicle_id
    join areas a on a.id = s.corridor_id left join areas c on c.id = a.community_id
    join needs n on n.id = b.need_id join households h on h.id = n.household_id
    where b.round_id = ${roundId} and (${tripId ?? null}::text is null or t.id = ${tripId ?? null}::text)
    order by v.name, t.trip_no, s.seq, h.address, b.bag_id`.execute(db);
  return rows.rows.map((r) => ({
    bagId: r.bag_id, kind: r.kind, tripId: r.trip_id, tripNo: Number(r.trip_no), vehicle: vehicleLabel(r.vehicle_name, r.plate), seq: Number(r.seq),
    gate: r.gate, community: r.community, flat: r.flat,
  }));
}
