/**
 * Loads what a round's planning Problem is built from: needs (with their household's place and
 * non-medical quantities) and vehicles (with their trips per shift). Shared by the start of a round
 * (the district Problem it is decomposed from), each `round.solve` (one sub-problem) and the merge
 * (the district Problem again, for the border repair and validation), so all three see the same data
 * in the same order. Medicine details are never read: a medicine need is one bag.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Urgency } from '../../domain/kinds';
import { STOCK_KINDS, type NeedKind } from '../../domain/need-kinds';
import type { Db } from '../../store/db';
import type { NeedForPlan, VehicleForPlan } from '../../planning/adapters/round-problem';

/** The units of a stock kind's need, read from its own detail field (need-kinds.ts); null for the others. */
const STOCK_UNITS = sql`case n.kind ${sql.join(STOCK_KINDS.map((k) => sql`when ${k.kind} then (n.details->>${k.unitsField})::int`), sql` `)} else null end`;

type Row = { id: string; kind: NeedKind; urgency: Urgency; corridor_id: string; community_id: string; members: number; quantity: number | null; lat: number; lon: number; protective: boolean };

/** A need with the community it belongs to (the decomposition's group key). */
export type NeedInRound = NeedForPlan & { communityId: string };

async function loadNeeds(db: Db, from: RawBuilder<unknown>, where: RawBuilder<unknown>): Promise<NeedInRound[]> {
  // Only non-medical quantities are read out of `details`; medicine details stay in the database.
  const res = await sql<Row>`
    select n.id, n.kind, n.urgency, n.corridor_id, n.community_id, h.members, h.lat, h.lon, h.infection_status <> 'none' as protective,
      ${STOCK_UNITS} as quantity
    from ${from} join households h on h.id = n.household_id
    where ${where}
    order by n.corridor_id, n.id`.execute(db);
  return res.rows.map((r) => ({
    id: r.id, kind: r.kind, urgency: r.urgency, corridorId: r.corridor_id, communityId: r.community_id, members: r.members,
    quantity: r.quantity, lat: Number(r.lat), lon: Number(r.lon), protective: r.protective,
  }));
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
  const out: NeedInRound[] = [];
  // Slices keep each statement well under PostgreSQL's 65,535 bind parameters.
  for (let i = 0; i < ids.length; i += 5000) out.push(...await loadNeeds(db, sql`needs n`, sql`n.id in (${sql.join(ids.slice(i, i + 5000))})`));
  return out.sort((a, b) => (a.corridorId < b.corridorId ? -1 : a.corridorId > b.corridorId ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Vehicles by id, in id order, with their depot's place, trips per shift and reload time. */
export async function loadVehicles(db: Db, ids: readonly string[]): Promise<VehicleForPlan[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('vehicles as v').innerJoin('depots as d', 'd.id', 'v.depot_id')
    .select(['v.id', 'v.depot_id', 'v.capacity', 'v.skills', 'v.max_trips', 'v.reload_minutes', 'd.lat', 'd.lon'])
    .where('v.id', 'in', ids).orderBy('v.id').execute();
  return rows.map((r) => ({
    id: r.id, depotId: r.depot_id, depotLat: Number(r.lat), depotLon: Number(r.lon),
    capacity: r.capacity, skills: r.skills, maxTrips: r.max_trips, reloadS: 60 * r.reload_minutes,
  }));
}
