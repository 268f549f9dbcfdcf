/**
 * What a round's planning Problem is built from: needs (with their household's place and
 * non-medical quantities) and vehicles (with their trips per shift), and which vehicles are free.
 * The start of a round, each `round.solve` and the merge read through here, so all three see the
 * same data in the same order. Medicine details are never read: a medicine need is one bag.
 */
import { sql, type RawBuilder } from 'kysely';
import { ROUND_SHIFT_MIN, type GateHours } from '../domain/gate-hours';
import type { Urgency } from '../domain/kinds';
import { COLLECTION_KINDS, STOCK_KINDS, type Handed, type NeedKind } from '../domain/need-kinds';
import { PLANNED_ROUND_STATUSES } from '../domain/round';
import type { Db } from './db';

/**
 * The units of a stock kind's need, read from its own detail field (need-kinds.ts); null for the
 * others and for stock kinds without one (the food package: its load follows from household size).
 */
const COUNTED = STOCK_KINDS.flatMap((k) => (k.unitsField === undefined ? [] : [{ kind: k.kind, field: k.unitsField }]));
const STOCK_UNITS = COUNTED.length === 0 ? sql`null::int`
  : sql`case n.kind ${sql.join(COUNTED.map((k) => sql`when ${k.kind} then (n.details->>${k.field})::int`), sql` `)} else null end`;

/** What a collection need (a waste pickup) hands over, from the detail fields its kind names; null for the others. */
const HANDED_BAGS = COLLECTION_KINDS.length === 0 ? sql`null::int`
  : sql`case n.kind ${sql.join(COLLECTION_KINDS.map((k) => sql`when ${k.kind} then (n.details->>${k.bagsField})::int`), sql` `)} else null end`;
const HANDED_KG = COLLECTION_KINDS.length === 0 ? sql`null::float8`
  : sql`case n.kind ${sql.join(COLLECTION_KINDS.map((k) => sql`when ${k.kind} then (n.details->>${k.kgField})::float8`), sql` `)} else null end`;

type Row = {
  id: string; kind: NeedKind; urgency: Urgency; corridor_id: string; community_id: string; members: number; quantity: number | null; lat: number; lon: number; protective: boolean;
  gate_from: number | null; gate_until: number | null; handed_bags: number | null; handed_kg: number | null;
};

/** A need as planning reads it, with the community it belongs to (the decomposition's group key). */
export interface NeedInRound {
  id: string; kind: NeedKind; urgency: Urgency; corridorId: string; communityId: string; members: number;
  /** Non-medical quantities only (packages, meals, cylinders, kg, litres). */
  quantity: number | null;
  lat: number; lon: number;
  /** Positive or close contact: bags handed over by a crew with protective equipment. */
  protective: boolean;
  /** Receiving hours of the corridor's gate (minutes from midnight); null: any time. */
  gate: GateHours | null;
  /** What a collection need hands over (its details' bags and kg); absent for the other kinds. */
  handed?: Handed;
}

async function loadNeeds(db: Db, from: RawBuilder<unknown>, where: RawBuilder<unknown>): Promise<NeedInRound[]> {
  // Only non-medical quantities are read out of `details`; medicine details stay in the database.
  const res = await sql<Row>`
    select n.id, n.kind, n.urgency, n.corridor_id, n.community_id, coalesce(h.members, 0) as members,
      coalesce(h.lat, g.lat, c.lat) as lat, coalesce(h.lon, g.lon, c.lon) as lon,
      coalesce(h.infection_status <> 'none', n.details->>'category' in ('positive', 'close_contact')) as protective,
      ${STOCK_UNITS} as quantity, g.receiving_from_min as gate_from, g.receiving_until_min as gate_until,
      ${HANDED_BAGS} as handed_bags, ${HANDED_KG} as handed_kg
    from ${from} left join households h on h.id = n.household_id left join areas g on g.id = n.corridor_id
      -- A corridor's need (a waste pickup) has no household: it stands at its corridor, or where the corridor's households are.
      left join lateral (select avg(x.lat) as lat, avg(x.lon) as lon from households x where n.household_id is null and g.lat is null and x.corridor_id = n.corridor_id) c on true
    where ${where}
    order by n.corridor_id, n.id`.execute(db);
  return res.rows.map((r) => ({
    id: r.id, kind: r.kind, urgency: r.urgency, corridorId: r.corridor_id, communityId: r.community_id, members: r.members,
    quantity: r.quantity, lat: Number(r.lat), lon: Number(r.lon), protective: r.protective,
    gate: r.gate_from === null && r.gate_until === null ? null : { fromMin: r.gate_from, untilMin: r.gate_until },
    ...handedOf(r),
  }));
}

const handedOf = (r: Pick<Row, 'handed_bags' | 'handed_kg'>): { handed?: Handed } =>
  (r.handed_bags !== null || r.handed_kg !== null ? { handed: { bags: r.handed_bags ?? 0, kg: Number(r.handed_kg ?? 0) } } : {});

/** Needs alike in everything their load follows from (need-kinds.ts `load`), and how many there are. */
export interface NeedDemandGroup {
  kind: NeedKind; quantity: number | null; members: number; handed?: Handed;
  count: number;
}

/**
 * The needs `ids` selects (a query of one column, `id`), grouped by what their load follows from
 * (kind, units, household size, what is handed over), read as `loadNeeds` reads them: a district's
 * demand in a few dozen rows rather than one row per need (issue #21: 137,000 at full scale).
 */
export async function loadDemandGroups(db: Db, ids: RawBuilder<unknown>): Promise<NeedDemandGroup[]> {
  const res = await sql<Pick<Row, 'kind' | 'members' | 'quantity' | 'handed_bags' | 'handed_kg'> & { count: number }>`
    select n.kind, coalesce(h.members, 0) as members, ${STOCK_UNITS} as quantity, ${HANDED_BAGS} as handed_bags, ${HANDED_KG} as handed_kg, count(*)::int as count
    from needs n left join households h on h.id = n.household_id
    where n.id in (${ids})
    group by 1, 2, 3, 4, 5
    order by 1, 2, 3, 4, 5`.execute(db);
  return res.rows.map((r) => ({ kind: r.kind, quantity: r.quantity, members: r.members, ...handedOf(r), count: r.count }));
}

/** The needs of one sub-problem, corridor by corridor. */
export function loadSubproblemNeeds(db: Db, roundId: string, subproblemId: string): Promise<NeedInRound[]> {
  return loadNeeds(db, sql`round_needs rn join needs n on n.id = rn.need_id`, sql`rn.round_id = ${roundId} and rn.subproblem_id = ${subproblemId}`);
}

/** The needs of every sub-problem of the round's current plan generation (not those kept on locked stops). */
export function loadGenerationNeeds(db: Db, roundId: string): Promise<NeedInRound[]> {
  return loadNeeds(db,
    sql`round_needs rn join round_subproblems s on s.round_id = rn.round_id and s.id = rn.subproblem_id join rounds r on r.id = rn.round_id and r.generation = s.generation join needs n on n.id = rn.need_id`,
    sql`rn.round_id = ${roundId}`);
}

/** Needs by id (a round being prepared: they are not linked to it yet). Same order as the others. */
export async function loadNeedsById(db: Db, ids: readonly string[]): Promise<NeedInRound[]> {
  if (ids.length === 0) return [];
  // One array parameter: lists of 5,000 bind parameters took 1.3-1.7 s a statement at a district's
  // 137,000 needs, 28 of them in a round's preparation (issue #21).
  return loadNeeds(db, sql`unnest(${[...new Set(ids)]}::uuid[]) as i(id) join needs n on n.id = i.id`, sql`true`);
}

/** The needs with bags on the round's stored plan (urgent stops and locked ones included), same order as the others. */
export function loadPlanNeeds(db: Db, roundId: string): Promise<NeedInRound[]> {
  return loadNeeds(db, sql`(select distinct need_id from round_bags where round_id = ${roundId}) b join needs n on n.id = b.need_id`, sql`true`);
}

/** A vehicle as planning reads it: its depot's place, capacity, skills, trips per shift and reload time (s). */
export interface VehicleInRound {
  id: string; depotId: string; depotLat: number; depotLon: number;
  capacity: Record<string, number>; skills: string[]; maxTrips: number; reloadS: number;
  /** The licence class its driver must hold; null: any. */
  licenceClass: string | null;
}

/** Vehicles by id, in id order. */
export async function loadVehicles(db: Db, ids: readonly string[]): Promise<VehicleInRound[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('vehicles as v').innerJoin('depots as d', 'd.id', 'v.depot_id')
    .select(['v.id', 'v.depot_id', 'v.capacity', 'v.skills', 'v.max_trips', 'v.reload_minutes', 'v.licence_class', 'd.lat', 'd.lon'])
    .where('v.id', 'in', ids).orderBy('v.id').execute();
  return rows.map((r) => ({
    id: r.id, depotId: r.depot_id, depotLat: Number(r.lat), depotLon: Number(r.lon),
    capacity: r.capacity, skills: r.skills, maxTrips: r.max_trips, reloadS: 60 * r.reload_minutes, licenceClass: r.licence_class,
  }));
}

/**
 * Ids of the active vehicles free for `roundId`, in id order: none promised to another round (being
 * planned, or planned and not yet back), none outside its availability windows (issue #15, item 3:
 * with windows, one must cover the whole shift from now, when the round is prepared; without, it is
 * always available). Callers hold the round-preparation lock (round.repository).
 */
export async function freeVehicleIds(trx: Db, roundId: string): Promise<string[]> {
  const free = await sql<{ id: string }>`
    select v.id from vehicles v
    where v.active
      and (jsonb_array_length(v.availability) = 0 or exists (
        select 1 from jsonb_array_elements(v.availability) w
        where (w->>'from')::timestamptz <= now() and (w->>'until')::timestamptz >= now() + make_interval(mins => ${ROUND_SHIFT_MIN})))
      and not exists (select 1 from round_trips t join rounds r on r.id = t.round_id
                      where t.vehicle_id = v.id and r.status in (${sql.join(PLANNED_ROUND_STATUSES)}))
      and not exists (select 1 from round_subproblems s join rounds r on r.id = s.round_id
                      where r.status = 'planning' and r.id <> ${roundId} and s.vehicle_ids ? v.id::text)
    order by v.id`.execute(trx);
  return free.rows.map((v) => v.id);
}
