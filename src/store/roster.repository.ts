/**
 * Driver shifts (issue #18, item 3): a depot's shift templates and the roster of drivers on them,
 * and the roster as a round reads it (each shift on the round's clock: seconds from 08:00 of the
 * round's day in the template's zone, src/domain/gate-hours.ts).
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from './db';
import { ON_ROAD_ROUND_STATUSES } from '../domain/round';
import type { RosterEntry, ShiftTemplate } from '../domain/shifts';
import { ROUND_SHIFT_START_MIN } from '../domain/gate-hours';

type TemplateRow = { id: string; depot_id: string; name: string; start_min: number; length_min: number; time_zone: string; active: boolean };
const template = (r: TemplateRow): ShiftTemplate => ({
  id: r.id, depotId: r.depot_id, name: r.name, startMin: r.start_min, lengthMin: r.length_min, timeZone: r.time_zone, active: r.active,
});

export async function listTemplates(db: Db, depotId?: string): Promise<ShiftTemplate[]> {
  let q = db.selectFrom('shift_templates').selectAll().where('active', '=', true);
  if (depotId) q = q.where('depot_id', '=', depotId);
  return (await q.orderBy('depot_id').orderBy('start_min').orderBy('name').execute()).map(template);
}

export async function findTemplate(db: Db, id: string): Promise<ShiftTemplate | undefined> {
  const r = await db.selectFrom('shift_templates').selectAll().where('id', '=', id).executeTakeFirst();
  return r && template(r);
}

export async function insertTemplate(db: Db, t: Omit<ShiftTemplate, 'id' | 'active'>): Promise<ShiftTemplate> {
  return template(await db.insertInto('shift_templates').values({
    depot_id: t.depotId, name: t.name, start_min: t.startMin, length_min: t.lengthMin, time_zone: t.timeZone,
  }).returningAll().executeTakeFirstOrThrow());
}

export async function updateTemplate(db: Db, id: string, patch: { name?: string; startMin?: number; lengthMin?: number }): Promise<ShiftTemplate | undefined> {
  const r = await db.updateTable('shift_templates').set({
    ...(patch.name !== undefined ? { name: patch.name } : {}), ...(patch.startMin !== undefined ? { start_min: patch.startMin } : {}),
    ...(patch.lengthMin !== undefined ? { length_min: patch.lengthMin } : {}), updated_at: new Date(),
  }).where('id', '=', id).where('active', '=', true).returningAll().executeTakeFirst();
  return r && template(r);
}

export async function retireTemplate(db: Db, id: string): Promise<boolean> {
  const r = await db.updateTable('shift_templates').set({ active: false, updated_at: new Date() }).where('id', '=', id).where('active', '=', true).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Roster entries of a template from `fromDate` on, standing ones included (they run until removed):
 * a template with future shifts is not changed or retired from under them.
 */
export async function rosteredFrom(db: Db, templateId: string, fromDate: string): Promise<number> {
  const r = await sql<{ n: string }>`select
    (select count(*) from driver_shifts where template_id = ${templateId} and shift_date >= ${fromDate}::date)
    + (select count(*) from driver_shift_patterns where template_id = ${templateId}) as n`.execute(db);
  return Number(r.rows[0]!.n);
}

/** Today's date in a zone, YYYY-MM-DD. */
export async function todayIn(db: Db, timeZone: string): Promise<string> {
  return (await sql<{ d: string }>`select (now() at time zone ${timeZone})::date::text as d`.execute(db)).rows[0]!.d;
}

/** Locks the driver's row: roster changes of one driver are checked and written one at a time. */
export async function lockDriverForRoster(trx: Db, driverId: string): Promise<{ id: string; name: string; depotId: string; licences: string[]; active: boolean } | undefined> {
  const r = await trx.selectFrom('drivers').select(['id', 'name', 'depot_id', 'licence_classes', 'active']).where('id', '=', driverId).forUpdate().executeTakeFirst();
  return r && { id: r.id, name: r.name, depotId: r.depot_id, licences: r.licence_classes, active: r.active };
}

/** The concrete interval of a template's shift on a date (its start read in the template's zone). */
export async function shiftInterval(db: Db, templateId: string, date: string): Promise<{ startsAt: Date; endsAt: Date }> {
  const r = await sql<{ starts_at: Date; ends_at: Date }>`
    select s.starts_at, s.starts_at + make_interval(mins => t.length_min) as ends_at
    from shift_templates t, lateral (select (${date}::date + make_interval(mins => t.start_min)) at time zone t.time_zone as starts_at) s
    where t.id = ${templateId}`.execute(db);
  return { startsAt: r.rows[0]!.starts_at, endsAt: r.rows[0]!.ends_at };
}

/**
 * Every rostered shift of the local dates [from, to] (SQL date expressions): the dated rows and the
 * standing entries (driver_shift_patterns) expanded to each date from theirs on, a dated row of the
 * same driver and template on a date taking the standing one's place. `standing` tells them apart.
 * Every read of rostered shifts goes through it, or a standing roster is missed there.
 */
export const rosterRows = (from: RawBuilder<unknown>, to: RawBuilder<unknown>) => sql`(
  select s.id, s.driver_id, s.template_id, s.depot_id, s.shift_date, s.starts_at, s.ends_at, s.vehicle_id, false as standing
  from driver_shifts s where s.shift_date between ${from} and ${to}
  union all
  select p.id, p.driver_id, p.template_id, p.depot_id, g.d::date, o.starts_at, o.starts_at + make_interval(mins => t.length_min), p.vehicle_id, true
  from driver_shift_patterns p join shift_templates t on t.id = p.template_id and t.active
    cross join lateral generate_series(greatest(p.from_date, ${from}), ${to}, interval '1 day') g(d)
    cross join lateral (select (g.d::date + make_interval(mins => t.start_min)) at time zone t.time_zone as starts_at) o
  where not exists (select 1 from driver_shifts x where x.driver_id = p.driver_id and x.template_id = p.template_id and x.shift_date = g.d::date)
)`;

/** Puts the driver on the template every day from `fromDate` on (an earlier date moves an existing entry's start back). */
export async function upsertStandingEntry(trx: Db, e: { driverId: string; templateId: string; depotId: string; fromDate: string; vehicleId: string | null; createdBy: string }): Promise<void> {
  await sql`insert into driver_shift_patterns (driver_id, template_id, depot_id, from_date, vehicle_id, created_by)
    values (${e.driverId}, ${e.templateId}, ${e.depotId}, ${e.fromDate}::date, ${e.vehicleId}, ${e.createdBy})
    on conflict (driver_id, template_id) do update set from_date = least(driver_shift_patterns.from_date, excluded.from_date)`.execute(trx);
}

/** Ends a standing entry (rounds already prepared keep the roster they took). */
export async function deleteStandingEntry(trx: Db, id: string): Promise<boolean> {
  const r = await trx.deleteFrom('driver_shift_patterns').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** A driver's shifts starting within [from, to), standing ones included. */
export async function driverShiftsBetween(db: Db, driverId: string, from: Date, to: Date): Promise<{ start: number; end: number; date: string }[]> {
  const rows = await sql<{ starts_at: Date; ends_at: Date; d: string }>`
    select starts_at, ends_at, shift_date::text as d from ${rosterRows(sql`(${from}::timestamptz)::date - 1`, sql`(${to}::timestamptz)::date + 1`)} r
    where driver_id = ${driverId} and starts_at >= ${from} and starts_at < ${to}`.execute(db);
  return rows.rows.map((r) => ({ start: r.starts_at.getTime(), end: r.ends_at.getTime(), date: r.d }));
}

type EntryRow = { id: string; driver_id: string; template_id: string; depot_id: string; d: string; starts_at: Date; ends_at: Date; vehicle_id: string | null };
const entry = (r: EntryRow): RosterEntry => ({
  id: r.id, driverId: r.driver_id, templateId: r.template_id, depotId: r.depot_id, date: r.d, startsAt: r.starts_at, endsAt: r.ends_at, vehicleId: r.vehicle_id,
});

export async function insertRosterEntry(trx: Db, e: Omit<RosterEntry, 'id'> & { createdBy: string }): Promise<RosterEntry | undefined> {
  const r = await sql<EntryRow>`
    insert into driver_shifts (driver_id, template_id, depot_id, shift_date, starts_at, ends_at, vehicle_id, created_by)
    values (${e.driverId}, ${e.templateId}, ${e.depotId}, ${e.date}::date, ${e.startsAt}, ${e.endsAt}, ${e.vehicleId}, ${e.createdBy})
    on conflict (driver_id, template_id, shift_date) do nothing
    returning id, driver_id, template_id, depot_id, shift_date::text as d, starts_at, ends_at, vehicle_id`.execute(trx);
  return r.rows[0] && entry(r.rows[0]);
}

export async function deleteRosterEntry(trx: Db, id: string): Promise<boolean> {
  const r = await trx.deleteFrom('driver_shifts').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function findRosterEntry(db: Db, id: string): Promise<RosterEntry | undefined> {
  const r = await sql<EntryRow>`select id, driver_id, template_id, depot_id, shift_date::text as d, starts_at, ends_at, vehicle_id from driver_shifts where id = ${id}`.execute(db);
  return r.rows[0] && entry(r.rows[0]);
}

/** A shift of the roster; `standing`: from a standing entry (its id is the entry's: removing it ends every day of it). */
export interface RosterLine extends RosterEntry { driverName: string; templateName: string; vehicleLabel: string | null; standing: boolean }

/** The roster of a depot (or every depot) for dates in [from, to], by start. */
export async function listRoster(db: Db, q: { depotId?: string | undefined; from: string; to: string }): Promise<RosterLine[]> {
  const rows = await sql<EntryRow & { standing: boolean; driver_name: string; template_name: string; vehicle_name: string | null; plate: string | null }>`
    select s.id, s.driver_id, s.template_id, s.depot_id, s.shift_date::text as d, s.starts_at, s.ends_at, s.vehicle_id, s.standing,
      d.name as driver_name, t.name as template_name, v.name as vehicle_name, v.plate
    from ${rosterRows(sql`${q.from}::date`, sql`${q.to}::date`)} s join drivers d on d.id = s.driver_id join shift_templates t on t.id = s.template_id left join vehicles v on v.id = s.vehicle_id
    where true ${q.depotId ? sql`and s.depot_id = ${q.depotId}` : sql``}
    order by s.starts_at, d.name`.execute(db);
  return rows.rows.map((r) => ({
    ...entry(r), driverName: r.driver_name, templateName: r.template_name, standing: r.standing,
    vehicleLabel: r.vehicle_name === null ? null : r.plate ? `${r.vehicle_name} (${r.plate})` : r.vehicle_name,
  }));
}

/** A rostered shift as a round reads it: on the round's clock (s from 08:00 of the round's day). */
export interface RosteredShift { driverId: string; depotId: string; licences: string[]; vehicleId: string | null; startS: number; endS: number }

/**
 * The shifts of the round's day (the local date the round was created on, in each template's zone),
 * standing entries included, of
 * active drivers not on the road in another round; the depots that have shift templates; and the
 * active drivers of depots without any (their fixed shift has no date: as before rosters, another
 * round does not hold them).
 */
export async function rosterOfRoundDay(db: Db, roundId: string): Promise<{ shifts: RosteredShift[]; templated: string[]; untemplatedDrivers: { driverId: string; depotId: string; licences: string[] }[] }> {
  const busy = sql`exists (select 1 from round_trips x join rounds o on o.id = x.round_id
    where x.driver_id = d.id and o.status in (${sql.join(ON_ROAD_ROUND_STATUSES)}) and o.id <> ${roundId})`;
  const shifts = await sql<{ driver_id: string; depot_id: string; licence_classes: string[]; vehicle_id: string | null; start_s: string; end_s: string }>`
    select s.driver_id, s.depot_id, d.licence_classes, s.vehicle_id,
      extract(epoch from s.starts_at - o.origin) as start_s, extract(epoch from s.ends_at - o.origin) as end_s
    from rounds r join ${rosterRows(sql`(select created_at from rounds where id = ${roundId})::date - 1`, sql`(select created_at from rounds where id = ${roundId})::date + 1`)} s on true
      join shift_templates t on t.id = s.template_id join drivers d on d.id = s.driver_id,
      lateral (select ((s.shift_date + make_interval(mins => ${ROUND_SHIFT_START_MIN})) at time zone t.time_zone) as origin) o
    where r.id = ${roundId} and d.active and s.shift_date = (r.created_at at time zone t.time_zone)::date and not ${busy}
    order by s.starts_at, s.driver_id`.execute(db);
  const templated = await sql<{ depot_id: string }>`select distinct depot_id from shift_templates where active order by depot_id`.execute(db);
  const free = await sql<{ id: string; depot_id: string; licence_classes: string[] }>`
    select d.id, d.depot_id, d.licence_classes from drivers d
    where d.active and not exists (select 1 from shift_templates t where t.depot_id = d.depot_id and t.active)
    order by d.id`.execute(db);
  return {
    shifts: shifts.rows.map((r) => ({ driverId: r.driver_id, depotId: r.depot_id, licences: r.licence_classes, vehicleId: r.vehicle_id, startS: Number(r.start_s), endS: Number(r.end_s) })),
    templated: templated.rows.map((r) => r.depot_id),
    untemplatedDrivers: free.rows.map((r) => ({ driverId: r.id, depotId: r.depot_id, licences: r.licence_classes })),
  };
}

export async function setRoundRoster(trx: Db, roundId: string, roster: unknown): Promise<void> {
  await trx.updateTable('rounds').set({ roster: JSON.stringify(roster) }).where('id', '=', roundId).execute();
}

export async function roundRosterRow(db: Db, roundId: string): Promise<unknown> {
  return (await db.selectFrom('rounds').select('roster').where('id', '=', roundId).executeTakeFirst())?.roster ?? null;
}

/** The driver of each trip of the round, by trip id. */
export async function tripDrivers(db: Db, roundId: string): Promise<Map<string, string | null>> {
  const rows = await db.selectFrom('round_trips').select(['id', 'driver_id']).where('round_id', '=', roundId).execute();
  return new Map(rows.map((r) => [r.id, r.driver_id]));
}

/** The licence class a vehicle asks of its driver (null: any). */
export async function vehicleLicence(db: Db, vehicleId: string): Promise<string | null> {
  return (await db.selectFrom('vehicles').select('licence_class').where('id', '=', vehicleId).executeTakeFirst())?.licence_class ?? null;
}
