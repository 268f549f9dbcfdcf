/**
 * Driver shifts (issue #18, item 3): a depot's shift templates and the roster putting drivers on them,
 * kept by dispatchers and admins (depots belong to no district: every dispatcher plans with them).
 * A roster change that would break a driver's limits (duty hours in a day, rest between duties, two
 * shifts at once, a vehicle's licence class) is refused with 422 `roster_rule_broken`, naming the
 * rule, the driver by name and the date. Every change is audited.
 */
import type { z } from 'zod';
import type { rosterBody, rosterListQuery, rosterShiftView, shiftTemplateBody, shiftTemplateChange, shiftTemplateView } from '../../contracts/roster.contract';
import type { Actor } from '../../domain/access';
import { hhmm, parseHhmm } from '../../domain/gate-hours';
import type { DriverLimits, ShiftTemplate } from '../../domain/shifts';
import { rosterBreak } from '../../planning/shifts';
import { AppError, notFound } from '../../shared/errors';
import type { Db } from '../../store/db';
import { findDepot, findVehicle } from '../../store/fleet.repository';
import {
  deleteRosterEntry, deleteStandingEntry, driverShiftsBetween, findRosterEntry, findTemplate, insertRosterEntry, insertTemplate, listRoster, listTemplates, lockDriverForRoster,
  retireTemplate, rosteredFrom, shiftInterval, todayIn, updateTemplate, upsertStandingEntry, vehicleLicence, type RosterLine,
} from '../../store/roster.repository';
import { guardRole } from '../access/access-guard';
import type { AuditService } from '../access/audit.service';
import { fieldError } from './fleet.service';

export interface RosterDeps {
  db: Db;
  audit: AuditService | undefined;
  limits: DriverLimits;
  /** Zone a new template's start is read in (ROSTER_TIME_ZONE). */
  timeZone: string;
}

const PLANNERS: readonly Actor['role'][] = ['dispatcher', 'admin'];
const DAY_MS = 86_400_000;
const MAX_DAYS = 31;

type TemplateView = z.input<typeof shiftTemplateView>;
const templateView = (t: ShiftTemplate): TemplateView => ({ id: t.id, depotId: t.depotId, name: t.name, startsAt: hhmm(t.startMin), lengthMinutes: t.lengthMin, timeZone: t.timeZone });
const lineView = (l: RosterLine): z.input<typeof rosterShiftView> => ({
  id: l.id, driverId: l.driverId, driverName: l.driverName, templateId: l.templateId, templateName: l.templateName, depotId: l.depotId, date: l.date,
  startsAt: l.startsAt.toISOString(), endsAt: l.endsAt.toISOString(), vehicleId: l.vehicleId, vehicleLabel: l.vehicleLabel, standing: l.standing,
});

async function audited<T>(deps: RosterDeps, actor: Actor, action: string, subjectType: string, subjectId: string, reqId: string | undefined, work: (trx: Db) => Promise<T>): Promise<T> {
  await guardRole({ audit: deps.audit, reqId }, actor, PLANNERS, action, subjectType, subjectId);
  return deps.db.transaction().execute(async (trx) => {
    const out = await work(trx);
    await deps.audit?.record({ actor, action, subjectType, subjectId, outcome: 'allowed', reqId: reqId ?? null }, trx);
    return out;
  });
}

export async function shiftTemplates(deps: RosterDeps, actor: Actor, depotId: string | undefined, reqId?: string): Promise<TemplateView[]> {
  await guardRole({ audit: deps.audit, reqId }, actor, PLANNERS, 'shift_template.list', 'depot', depotId ?? '*');
  return (await listTemplates(deps.db, depotId)).map(templateView);
}

export async function createShiftTemplate(deps: RosterDeps, actor: Actor, depotId: string, input: z.output<typeof shiftTemplateBody>, reqId?: string): Promise<TemplateView> {
  return audited(deps, actor, 'shift_template.create', 'depot', depotId, reqId, async (trx) => {
    const depot = await findDepot(trx, depotId);
    if (!depot || !depot.active) throw notFound('depot');
    return templateView(await insertTemplate(trx, { depotId, name: input.name, startMin: parseHhmm(input.startsAt)!, lengthMin: input.lengthMinutes, timeZone: deps.timeZone }).catch(nameTaken));
  });
}

export async function changeShiftTemplate(deps: RosterDeps, actor: Actor, templateId: string, input: z.output<typeof shiftTemplateChange>, reqId?: string): Promise<TemplateView> {
  return audited(deps, actor, 'shift_template.update', 'shift_template', templateId, reqId, async (trx) => {
    const t = await findTemplate(trx, templateId);
    if (!t || !t.active) throw notFound('shift template');
    if ((input.startsAt !== undefined || input.lengthMinutes !== undefined) && await rosteredFrom(trx, templateId, await todayIn(trx, t.timeZone))) {
      throw new AppError('conflict', 'drivers are rostered on this shift from today on: remove them first, or add a new template');
    }
    const changed = await updateTemplate(trx, templateId, {
      ...(input.name !== undefined ? { name: input.name } : {}), ...(input.startsAt !== undefined ? { startMin: parseHhmm(input.startsAt)! } : {}),
      ...(input.lengthMinutes !== undefined ? { lengthMin: input.lengthMinutes } : {}),
    }).catch(nameTaken);
    return templateView(changed!);
  });
}

export async function removeShiftTemplate(deps: RosterDeps, actor: Actor, templateId: string, reqId?: string): Promise<void> {
  await audited(deps, actor, 'shift_template.retire', 'shift_template', templateId, reqId, async (trx) => {
    const t = await findTemplate(trx, templateId);
    if (!t || !t.active) throw notFound('shift template');
    if (await rosteredFrom(trx, templateId, await todayIn(trx, t.timeZone))) throw new AppError('conflict', 'drivers are rostered on this shift from today on: remove them first');
    await retireTemplate(trx, templateId);
  });
}

export async function roster(deps: RosterDeps, actor: Actor, q: z.output<typeof rosterListQuery>, reqId?: string): Promise<z.input<typeof rosterShiftView>[]> {
  await guardRole({ audit: deps.audit, reqId }, actor, PLANNERS, 'roster.list', 'depot', q.depotId ?? '*');
  const until = q.until ?? q.from;
  if (daysBetween(q.from, until) > MAX_DAYS) throw fieldError('validation', 'until', `at most ${MAX_DAYS} days after from`);
  return (await listRoster(deps.db, { depotId: q.depotId, from: q.from, to: until })).map(lineView);
}

/**
 * Puts the driver on the template's shift for each date of the range (dates already rostered are
 * kept), all or nothing; with no `until`, every day from `from` on until removed (a standing entry,
 * checked against the driver's other shifts over its first MAX_DAYS days: the standing ones repeat
 * daily, and a dated shift added later is checked against it). Answers the shifts of the range (of
 * `from` for a standing entry).
 */
export async function rosterDriver(deps: RosterDeps, actor: Actor, input: z.output<typeof rosterBody>, reqId?: string): Promise<z.input<typeof rosterShiftView>[]> {
  const standing = input.until === undefined;
  const until = input.until ?? input.from;
  if (daysBetween(input.from, until) > MAX_DAYS) throw fieldError('validation', 'until', `at most ${MAX_DAYS} days after from`);
  return audited(deps, actor, 'roster.assign', 'driver', input.driverId, reqId, async (trx) => {
    const driver = await lockDriverForRoster(trx, input.driverId);
    if (!driver || !driver.active) throw fieldError('validation', 'driverId', driver ? 'the driver is retired' : 'no such driver');
    const t = await findTemplate(trx, input.templateId);
    if (!t || !t.active) throw fieldError('validation', 'templateId', 'no such shift template');
    if (t.depotId !== driver.depotId) throw fieldError('validation', 'templateId', 'a shift of another depot than the driver’s');
    if (input.vehicleId) {
      const v = await findVehicle(trx, input.vehicleId);
      if (!v || !v.active || v.depotId !== t.depotId) throw fieldError('validation', 'vehicleId', 'no active vehicle of the shift’s depot');
      const licence = await vehicleLicence(trx, v.id);
      if (licence && !driver.licences.includes(licence)) throw ruleBroken('roster:licence', driver.name, input.from, `${v.name} asks licence class ${licence}`);
    }
    const dates = datesFrom(input.from, standing ? new Date(Date.parse(input.from) + MAX_DAYS * DAY_MS).toISOString().slice(0, 10) : until);
    const first = await shiftInterval(trx, t.id, dates[0]!);
    const shifts = await driverShiftsBetween(trx, driver.id, new Date(first.startsAt.getTime() - 2 * DAY_MS), new Date(first.startsAt.getTime() + (dates.length + 2) * DAY_MS));
    const created: string[] = [];
    for (const date of dates) {
      const { startsAt, endsAt } = await shiftInterval(trx, t.id, date);
      const shift = { start: startsAt.getTime(), end: endsAt.getTime(), date };
      if (shifts.some((s) => s.start === shift.start && s.end === shift.end)) continue; // already on it
      const broken = rosterBreak(shifts, shift, deps.limits);
      if (broken) throw ruleBroken(broken.rule, driver.name, date, broken.message);
      shifts.push(shift);
      if (standing) continue;
      const row = await insertRosterEntry(trx, { driverId: driver.id, templateId: t.id, depotId: t.depotId, date, startsAt, endsAt, vehicleId: input.vehicleId, createdBy: actor.userId });
      if (row) created.push(row.id);
    }
    if (standing) await upsertStandingEntry(trx, { driverId: driver.id, templateId: t.id, depotId: t.depotId, fromDate: input.from, vehicleId: input.vehicleId, createdBy: actor.userId });
    const lines = await listRoster(trx, { depotId: t.depotId, from: input.from, to: until });
    return lines.filter((l) => l.driverId === driver.id && l.templateId === t.id).map(lineView);
  });
}

export async function unrosterShift(deps: RosterDeps, actor: Actor, shiftId: string, reqId?: string): Promise<void> {
  await audited(deps, actor, 'roster.remove', 'driver_shift', shiftId, reqId, async (trx) => {
    // A standing entry's shifts carry its id: removing one ends the entry.
    if (await findRosterEntry(trx, shiftId)) await deleteRosterEntry(trx, shiftId);
    else if (!(await deleteStandingEntry(trx, shiftId))) throw notFound('rostered shift');
  });
}

function ruleBroken(rule: string, driverName: string, date: string, why: string): AppError {
  return new AppError('roster_rule_broken', `${driverName} on ${date}: ${why} (${rule})`, { details: { rule, driver: driverName, date } });
}

function nameTaken(err: unknown): never {
  if (err instanceof Error && /shift_templates_depot_name/.test(err.message)) throw fieldError('conflict', 'name', 'the depot has a shift of this name');
  throw err;
}

const daysBetween = (a: string, b: string): number => Math.round((Date.parse(b) - Date.parse(a)) / DAY_MS);
const datesFrom = (from: string, until: string): string[] =>
  Array.from({ length: daysBetween(from, until) + 1 }, (_, i) => new Date(Date.parse(from) + i * DAY_MS).toISOString().slice(0, 10));
