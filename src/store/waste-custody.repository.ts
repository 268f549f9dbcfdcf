/**
 * Custody of epidemic waste (issue #18, item 2, migration 0030): the crew's pickup record per stop,
 * the weight at the disposal site per trip (with the picked-up kg it was compared with and the flag),
 * and the vehicle's disinfection after each waste trip.
 */
import { sql } from 'kysely';
import { vehicleLabel } from '../domain/fleet';
import type { Db } from './db';

/** A trip as custody reads it: its round's kind and status, its driver and vehicle. */
export interface CustodyTrip { roundId: string; tripId: string; roundKind: string; roundStatus: string; driverId: string | null; vehicleId: string; siteId: string | null }
export interface CustodyStop extends CustodyTrip { stopId: string; stopStatus: string }

type TripRow = { round_id: string; trip_id: string; kind: string; status: string; driver_id: string | null; vehicle_id: string; unload_site_id: string | null };
const toTrip = (r: TripRow): CustodyTrip => ({
  roundId: r.round_id, tripId: r.trip_id, roundKind: r.kind, roundStatus: r.status, driverId: r.driver_id, vehicleId: r.vehicle_id, siteId: r.unload_site_id,
});

export async function custodyTrip(db: Db, roundId: string, tripId: string): Promise<CustodyTrip | undefined> {
  const res = await sql<TripRow>`
    select t.round_id, t.id as trip_id, r.kind, r.status, t.driver_id, t.vehicle_id, t.unload_site_id
    from round_trips t join rounds r on r.id = t.round_id where t.round_id = ${roundId} and t.id = ${tripId}`.execute(db);
  return res.rows[0] && toTrip(res.rows[0]);
}

export async function custodyStop(db: Db, roundId: string, stopId: string): Promise<CustodyStop | undefined> {
  const res = await sql<TripRow & { stop_id: string; stop_status: string }>`
    select t.round_id, t.id as trip_id, r.kind, r.status, t.driver_id, t.vehicle_id, t.unload_site_id, s.id::text as stop_id, s.status as stop_status
    from round_stops s join round_trips t on t.round_id = s.round_id and t.id = s.trip_id join rounds r on r.id = t.round_id
    where s.round_id = ${roundId} and s.id = ${stopId}`.execute(db);
  const row = res.rows[0];
  return row && { ...toTrip(row), stopId: row.stop_id, stopStatus: row.stop_status };
}

/** Locks a trip's row: a pickup corrected while the trip is weighed waits, so the unload compares with what stands. */
export async function lockTrip(trx: Db, roundId: string, tripId: string): Promise<void> {
  await sql`select 1 from round_trips where round_id = ${roundId} and id = ${tripId} for update`.execute(trx);
}

export interface WastePickup { stopId: string; bags: number; kg: number; pickedAt: Date; recordedBy: string }

export async function findPickup(db: Db, roundId: string, stopId: string): Promise<WastePickup | undefined> {
  const res = await sql<{ stop_id: string; bags: number; kg: number; picked_at: Date; recorded_by: string }>`
    select stop_id::text, bags, kg, picked_at, recorded_by from waste_pickups where round_id = ${roundId} and stop_id = ${stopId}`.execute(db);
  const r = res.rows[0];
  return r && { stopId: r.stop_id, bags: r.bags, kg: Number(r.kg), pickedAt: new Date(r.picked_at), recordedBy: r.recorded_by };
}

/** Records (or corrects) a stop's pickup. */
export async function savePickup(db: Db, roundId: string, p: WastePickup, at: Date): Promise<void> {
  await sql`insert into waste_pickups (round_id, stop_id, bags, kg, picked_at, recorded_by, recorded_at)
    values (${roundId}, ${p.stopId}, ${p.bags}, ${p.kg}, ${p.pickedAt}, ${p.recordedBy}, ${at})
    on conflict (round_id, stop_id) do update set bags = excluded.bags, kg = excluded.kg, picked_at = excluded.picked_at,
      recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at`.execute(db);
}

/** What the crew recorded on the trip's stops as they stand now: kg and bags summed, stops with a record. */
export async function pickedOnTrip(db: Db, roundId: string, tripId: string): Promise<{ kg: number; bags: number; stops: number }> {
  const res = await sql<{ kg: number | null; bags: string | null; stops: string }>`
    select sum(p.kg) as kg, sum(p.bags) as bags, count(*) as stops from waste_pickups p
    join round_stops s on s.round_id = p.round_id and s.id = p.stop_id
    where p.round_id = ${roundId} and s.trip_id = ${tripId}`.execute(db);
  const r = res.rows[0];
  return { kg: Number(r?.kg ?? 0), bags: Number(r?.bags ?? 0), stops: Number(r?.stops ?? 0) };
}

export interface WasteUnload {
  tripId: string; siteId: string | null; kg: number; pickedKg: number;
  /** |picked - unloaded| / picked; null when nothing was recorded picked up but something was unloaded. */
  discrepancy: number | null; flagged: boolean; unloadedAt: Date; recordedBy: string;
}
type UnloadRow = { trip_id: string; site_id: string | null; kg: number; picked_kg: number; discrepancy: number | null; flagged: boolean; unloaded_at: Date; recorded_by: string };
const toUnload = (r: UnloadRow): WasteUnload => ({
  tripId: r.trip_id, siteId: r.site_id, kg: Number(r.kg), pickedKg: Number(r.picked_kg), discrepancy: r.discrepancy === null ? null : Number(r.discrepancy),
  flagged: r.flagged, unloadedAt: new Date(r.unloaded_at), recordedBy: r.recorded_by,
});

export async function findUnload(db: Db, roundId: string, tripId: string): Promise<WasteUnload | undefined> {
  const res = await sql<UnloadRow>`select * from waste_unloads where round_id = ${roundId} and trip_id = ${tripId}`.execute(db);
  return res.rows[0] && toUnload(res.rows[0]);
}

/** Records a trip's unload once; false when one was recorded first (a concurrent replay). */
export async function insertUnload(db: Db, roundId: string, u: WasteUnload, at: Date): Promise<boolean> {
  const res = await sql`insert into waste_unloads (round_id, trip_id, site_id, kg, picked_kg, discrepancy, flagged, unloaded_at, recorded_by, recorded_at)
    values (${roundId}, ${u.tripId}, ${u.siteId}, ${u.kg}, ${u.pickedKg}, ${u.discrepancy}, ${u.flagged}, ${u.unloadedAt}, ${u.recordedBy}, ${at})
    on conflict do nothing`.execute(db);
  return Number(res.numAffectedRows ?? 0) > 0;
}

export interface Disinfection { tripId: string; vehicleId: string; agent: string; disinfectedAt: Date; recordedBy: string }
type DisinfectionRow = { trip_id: string; vehicle_id: string; agent: string; disinfected_at: Date; recorded_by: string };
const toDisinfection = (r: DisinfectionRow): Disinfection => ({ tripId: r.trip_id, vehicleId: r.vehicle_id, agent: r.agent, disinfectedAt: new Date(r.disinfected_at), recordedBy: r.recorded_by });

export async function findDisinfection(db: Db, roundId: string, tripId: string): Promise<Disinfection | undefined> {
  const res = await sql<DisinfectionRow>`select trip_id, vehicle_id, agent, disinfected_at, recorded_by from vehicle_disinfections
    where round_id = ${roundId} and trip_id = ${tripId}`.execute(db);
  return res.rows[0] && toDisinfection(res.rows[0]);
}

/** Records a trip's disinfection once; false when one was recorded first. */
export async function insertDisinfection(db: Db, roundId: string, d: Disinfection, at: Date): Promise<boolean> {
  const res = await sql`insert into vehicle_disinfections (round_id, trip_id, vehicle_id, agent, disinfected_at, recorded_by, recorded_at)
    values (${roundId}, ${d.tripId}, ${d.vehicleId}, ${d.agent}, ${d.disinfectedAt}, ${d.recordedBy}, ${at}) on conflict do nothing`.execute(db);
  return Number(res.numAffectedRows ?? 0) > 0;
}

/**
 * Of `vehicleIds`, those whose last waste trip (a trip of a round of the `collecting` kinds that went
 * out: `driven` statuses; the latest round first, then the highest trip number) has no disinfection
 * record. A vehicle that never collected waste is not among them.
 */
export async function vehiclesAwaitingDisinfection(db: Db, vehicleIds: readonly string[], collecting: readonly string[], driven: readonly string[]): Promise<Set<string>> {
  if (!vehicleIds.length || !collecting.length) return new Set();
  const res = await sql<{ vehicle_id: string }>`
    select last.vehicle_id from (
      select distinct on (t.vehicle_id) t.vehicle_id, t.round_id, t.id
      from round_trips t join rounds r on r.id = t.round_id
      where t.vehicle_id in (${sql.join(vehicleIds)}) and r.kind in (${sql.join(collecting)}) and r.status in (${sql.join(driven)})
      order by t.vehicle_id, r.created_at desc, r.id desc, t.trip_no desc
    ) last
    where not exists (select 1 from vehicle_disinfections d where d.round_id = last.round_id and d.trip_id = last.id)`.execute(db);
  return new Set(res.rows.map((r) => r.vehicle_id));
}

/** A round's custody records per trip: what was picked up (summed over its stops now), the unload, the disinfection. */
export interface TripCustody { pickedKg: number; pickedBags: number; pickups: number; unload: WasteUnload | null; disinfection: Disinfection | null }

export async function custodyOfRound(db: Db, roundId: string): Promise<Map<string, TripCustody>> {
  const [picked, unloads, disinfections] = await Promise.all([
    sql<{ trip_id: string; kg: number; bags: string; stops: string }>`
      select s.trip_id, sum(p.kg) as kg, sum(p.bags) as bags, count(*) as stops from waste_pickups p
      join round_stops s on s.round_id = p.round_id and s.id = p.stop_id where p.round_id = ${roundId} group by s.trip_id`.execute(db),
    sql<UnloadRow>`select * from waste_unloads where round_id = ${roundId}`.execute(db),
    sql<DisinfectionRow>`select trip_id, vehicle_id, agent, disinfected_at, recorded_by from vehicle_disinfections where round_id = ${roundId}`.execute(db),
  ]);
  const out = new Map<string, TripCustody>();
  const of = (tripId: string): TripCustody => {
    const c = out.get(tripId) ?? { pickedKg: 0, pickedBags: 0, pickups: 0, unload: null, disinfection: null };
    out.set(tripId, c);
    return c;
  };
  for (const p of picked.rows) Object.assign(of(p.trip_id), { pickedKg: Number(p.kg), pickedBags: Number(p.bags), pickups: Number(p.stops) });
  for (const u of unloads.rows) of(u.trip_id).unload = toUnload(u);
  for (const d of disinfections.rows) of(d.trip_id).disinfection = toDisinfection(d);
  return out;
}

/** The active vehicles, by name ("Van 1 (沪A·12345)") with their skills, for the desk's fleet notes. */
export async function activeVehicles(db: Db): Promise<{ id: string; name: string; skills: string[] }[]> {
  const rows = await db.selectFrom('vehicles').select(['id', 'name', 'plate', 'skills']).where('active', '=', true).orderBy('name').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, name: vehicleLabel(r.name, r.plate), skills: r.skills }));
}
