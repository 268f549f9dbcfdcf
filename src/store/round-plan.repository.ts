/**
 * The stored plan of a round: trips per vehicle, stops in order, the bags on each stop, and the
 * needs left unserved with a reason. Written once, in one transaction, guarded by the round's
 * status (planning > proposed) and by unique keys, so a retried merge stores nothing twice.
 */
import { sql } from 'kysely';

import { moveNeeds } from './round.repository';
import { markBulkLane } from './need-status-live.repository';
import { analyzeIfGrown } from './table-stats';
import type { Db } from './db';
import { vehicleLabel } from '../domain/fleet';


/** The plan as services build and read it. */
export type { Plan, PlanBag, PlanStop, PlanTrip, PlanUnserved } from '../domain/round-plan';
import type { Plan, PlanBag, PlanStop, PlanTrip } from '../domain/round-plan';

/**
 * Stores the plan and moves the round to proposed and its served needs to planned, all or nothing.
 * Returns false (and writes nothing) when the round is no longer being planned: the plan exists.
 * `afterStore` runs in the same transaction once the plan is written (the round reserves its stock there).
 */
export async function storePlanOnce(db: Db, roundId: string, plan: Plan, actor: string, afterStore?: (trx: Db) => Promise<void>): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    // The row lock serialises two merges of the same round (a stalled job and its retry).
    const round = await trx.selectFrom('rounds').select('status').where('id', '=', roundId).forUpdate().executeTakeFirst();
    if (!round || round.status !== 'planning') return false;
    // Every served need becomes planned (and stock-short ones accepted again): the bulk lane of the live relay.
    await markBulkLane(trx);
    await insertTrips(trx, roundId, plan.trips);
    // Two array parameters, one statement: a district's 60,000 unserved were 30 statements of 6,000 parameters.
    if (plan.unserved.length) {
      await sql`insert into round_unserved (round_id, need_id, reason)
        select ${roundId}::uuid, u.need_id, u.reason from unnest(${plan.unserved.map((u) => u.needId)}::uuid[], ${plan.unserved.map((u) => u.reason)}::text[]) as u(need_id, reason)`.execute(trx);
    }
    const served = [...new Set(plan.trips.flatMap((t) => t.stops.flatMap((s) => s.bags.map((b) => b.needId))))];
    // A wider transaction type than moveNeeds asks for: same database, more tables.
    await moveNeeds(trx, served, 'accepted', 'planned', actor, `round ${roundId}`);
    // A district's plan multiplies these tables at once, and the stock reservation (afterStore) joins
    // them: plan it on statistics that count this plan's rows (ANALYZE sees its own transaction's).
    const stops = plan.trips.flatMap((t) => t.stops);
    await analyzeIfGrown(trx, 'round_trips', plan.trips.length);
    await analyzeIfGrown(trx, 'round_stops', stops.length);
    await analyzeIfGrown(trx, 'round_bags', stops.reduce((n, s) => n + s.bags.length, 0));
    await analyzeIfGrown(trx, 'round_needs', served.length);
    if (afterStore) await afterStore(trx);
    await trx.updateTable('rounds').set({ status: 'proposed', progress: 100, updated_at: new Date() }).where('id', '=', roundId).execute();
    return true;
  });
}

/** Inserts trips, their stops and bags in a few bulk statements (a 10,000-stop plan in seconds, not minutes). */
export async function insertTrips(trx: Db, roundId: string, trips: PlanTrip[]): Promise<void> {
  const CHUNK = 2000;
  const tripRows = trips.map((t) => ({
    round_id: roundId, id: t.id, vehicle_id: t.vehicleId, depot_id: t.depotId, driver_id: t.driverId ?? null, trip_no: t.tripNo,
    subproblem_id: t.subproblemId, distance_m: t.distanceM, duration_s: t.durationS, depart_s: t.departS ?? 0,
    unload_site_id: t.unload?.siteId ?? null, unload_start_s: t.unload?.startS ?? null,
  }));
  for (let i = 0; i < tripRows.length; i += CHUNK) await trx.insertInto('round_trips').values(tripRows.slice(i, i + CHUNK)).execute();
  const stops = trips.flatMap((t) => t.stops.map((stop, seq) => ({ trip: t, stop, seq })));
  for (let i = 0; i < stops.length; i += CHUNK) {
    const chunk = stops.slice(i, i + CHUNK);
    const ids = await trx.insertInto('round_stops').values(chunk.map(({ trip, stop, seq }) => ({
      round_id: roundId, trip_id: trip.id, seq, corridor_id: stop.corridorId, planned_start_s: stop.plannedStartS, urgent: stop.urgent ?? false,
    }))).returning(['id', 'trip_id', 'seq']).execute();
    // Match returned ids by (trip, seq), not by position: RETURNING order is not promised.
    const idOf = new Map(ids.map((r) => [`${r.trip_id}#${r.seq}`, r.id]));
    // Bags as four array parameters, not a row object and five parameters per bag: a district's plan has 137,000.
    const bags = chunk.flatMap(({ trip, stop, seq }) => stop.bags.map((b) => ({ ...b, stopId: idOf.get(`${trip.id}#${seq}`)! })));
    if (bags.length) {
      await sql`insert into round_bags (round_id, bag_id, stop_id, need_id, item)
        select ${roundId}::uuid, b.bag_id, b.stop_id, b.need_id, b.item
        from unnest(${bags.map((b) => b.bagId)}::text[], ${bags.map((b) => b.stopId)}::bigint[], ${bags.map((b) => b.needId)}::uuid[], ${bags.map((b) => b.item)}::text[])
          as b(bag_id, stop_id, need_id, item)`.execute(trx);
    }
  }
}

export async function insertTrip(trx: Db, roundId: string, trip: PlanTrip): Promise<void> {
  await insertTrips(trx, roundId, [trip]);
}

/** Reads a stored plan back, trips in id order and stops in visiting order. */
export async function readPlan(db: Db, roundId: string): Promise<Plan> {
  const trips = await db.selectFrom('round_trips').selectAll().where('round_id', '=', roundId).orderBy('vehicle_id').orderBy('trip_no').execute();
  const stops = await db.selectFrom('round_stops').selectAll().where('round_id', '=', roundId).orderBy('trip_id').orderBy('seq').execute();
  const bags = await db.selectFrom('round_bags').selectAll().where('round_id', '=', roundId).orderBy('bag_id').execute();
  const unserved = await db.selectFrom('round_unserved').selectAll().where('round_id', '=', roundId).orderBy('need_id').execute();
  const bagsByStop = new Map<string, PlanBag[]>();
  for (const b of bags) {
    const list = bagsByStop.get(b.stop_id) ?? [];
    list.push({ bagId: b.bag_id, needId: b.need_id, item: b.item });
    bagsByStop.set(b.stop_id, list);
  }
  const stopsByTrip = new Map<string, PlanStop[]>();
  for (const s of stops) {
    const list = stopsByTrip.get(s.trip_id) ?? [];
    list.push({ id: s.id, corridorId: s.corridor_id, plannedStartS: s.planned_start_s, bags: bagsByStop.get(s.id) ?? [], status: s.status, urgent: s.urgent, locked: s.locked });
    stopsByTrip.set(s.trip_id, list);
  }
  return {
    trips: trips.map((t) => ({
      id: t.id, vehicleId: t.vehicle_id, depotId: t.depot_id, driverId: t.driver_id, tripNo: t.trip_no, subproblemId: t.subproblem_id,
      distanceM: t.distance_m, durationS: t.duration_s, departS: t.depart_s, stops: stopsByTrip.get(t.id) ?? [],
      ...(t.unload_site_id ? { unload: { siteId: t.unload_site_id, startS: Number(t.unload_start_s ?? 0) } } : {}),
    })),
    unserved: unserved.map((u) => ({ needId: u.need_id, reason: u.reason })),
  };
}

/** Ids of the needs the round's stored plan carries bags for (each once). */
export async function planNeedIds(db: Db, roundId: string): Promise<string[]> {
  const rows = await db.selectFrom('round_bags').select('need_id').distinct().where('round_id', '=', roundId).execute();
  return rows.map((r) => r.need_id);
}

/** Marks the round's pending stops loaded (the bags are on the vans). */
export async function loadPendingStops(trx: Db, roundId: string): Promise<void> {
  await trx.updateTable('round_stops').set({ status: 'loaded' }).where('round_id', '=', roundId).where('status', '=', 'pending').execute();
}

/** The round's trips that have a driver, in trip order (trip number, then id). */
export async function drivenTrips(db: Db, roundId: string): Promise<{ tripId: string; driverId: string }[]> {
  const trips = await sql<{ id: string; driver_id: string }>`
    select id, driver_id from round_trips where round_id = ${roundId} and driver_id is not null order by trip_no, id`.execute(db);
  return trips.rows.map((t) => ({ tripId: t.id, driverId: t.driver_id }));
}

/** The driver of a trip (a driver's batch), or null before dispatch or when none was free. */
export async function driverOfTrip(db: Db, roundId: string, tripId: string): Promise<string | null> {
  const row = await db.selectFrom('round_trips').select('driver_id').where('round_id', '=', roundId).where('id', '=', tripId).executeTakeFirst();
  return row?.driver_id ?? null;
}

export interface LoadingLine { depotId: string; item: string; bags: number }

/** What each depot loads for a round: bags per item, from the manifest. */
export async function loadingList(db: Db, roundId: string): Promise<LoadingLine[]> {
  const res = await sql<{ depot_id: string; item: string; bags: string }>`
    select t.depot_id, b.item, count(*) as bags
    from round_bags b join round_stops s on s.id = b.stop_id join round_trips t on t.round_id = s.round_id and t.id = s.trip_id
    where b.round_id = ${roundId}
    group by t.depot_id, b.item order by t.depot_id, b.item`.execute(db);
  return res.rows.map((r) => ({ depotId: r.depot_id, item: r.item, bags: Number(r.bags) }));
}

/** Counts stored rows of a round's plan (tests assert "stored exactly once" with it). */
export async function planCounts(db: Db, roundId: string): Promise<{ trips: number; stops: number; bags: number; unserved: number }> {
  const res = await sql<{ trips: string; stops: string; bags: string; unserved: string }>`
    select (select count(*) from round_trips where round_id = ${roundId}) as trips,
           (select count(*) from round_stops where round_id = ${roundId}) as stops,
           (select count(*) from round_bags where round_id = ${roundId}) as bags,
           (select count(*) from round_unserved where round_id = ${roundId}) as unserved`.execute(db);
  const r = res.rows[0]!;
  return { trips: Number(r.trips), stops: Number(r.stops), bags: Number(r.bags), unserved: Number(r.unserved) };
}

/** Names of the round's vehicles (with their plates: "Van 1 (沪A·12345)"), drivers and depots (people read names, not ids); `plates` by vehicle id. */
export async function planNames(db: Db, roundId: string): Promise<{ vehicles: Map<string, string>; plates: Map<string, string | null>; drivers: Map<string, string>; depots: Map<string, string> }> {
  const res = await sql<{ kind: 'vehicle' | 'driver' | 'depot'; id: string; name: string; plate: string | null }>`
    select 'vehicle' as kind, v.id, v.name, v.plate from vehicles v where v.id in (select vehicle_id from round_trips where round_id = ${roundId})
    union all select 'driver', d.id, d.name, null from drivers d where d.id in (select driver_id from round_trips where round_id = ${roundId})
    union all select 'depot', p.id, p.name, null from depots p where p.id in (select depot_id from round_trips where round_id = ${roundId})`.execute(db);
  const out = { vehicles: new Map<string, string>(), plates: new Map<string, string | null>(), drivers: new Map<string, string>(), depots: new Map<string, string>() };
  for (const r of res.rows) {
    out[`${r.kind}s`].set(r.id, r.kind === 'vehicle' ? vehicleLabel(r.name, r.plate) : r.name);
    if (r.kind === 'vehicle') out.plates.set(r.id, r.plate);
  }
  return out;
}
