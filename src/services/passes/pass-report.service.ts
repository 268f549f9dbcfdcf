/**
 * Pass and emergency reports. Community staff see their own communities; dispatch and admins the
 * district. Counts and times only: no names, reasons or hospitals.
 */
import type { ReportQuery } from '../../contracts/pass.contract';
import type { Actor } from '../../domain/access';
import { AppError } from '../../shared/errors';
import { emergencyReport, passReport, type EmergencyDayRow, type PassDayRow, type ReportRange } from '../../store/pass-report.repository';

import type { AuditService } from '../access/audit.service';
import type { Db } from '../../store/db';

interface Deps { db: Db; audit: AuditService }

const MAX_DAYS = 366;

async function rangeFor(deps: Deps, actor: Actor, q: ReportQuery, action: string, reqId: string | null): Promise<ReportRange> {
  const days = (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000;
  if (days < 0 || days > MAX_DAYS) {
    throw new AppError('validation', 'invalid range', { errors: [{ path: ['to'], message: `from <= to, at most ${MAX_DAYS} days`, in: 'query' }] });
  }
  const wide = actor.role === 'dispatcher' || actor.role === 'admin';
  const mine = actor.role === 'community_staff' ? actor.communityIds : [];
  if (!wide && (mine.length === 0 || (q.communityId !== undefined && !mine.includes(q.communityId)))) {
    await deps.audit.record({ actor, action, subjectType: 'report', subjectId: q.communityId ?? null, outcome: 'denied', reqId });
    throw new AppError('forbidden', `not allowed: ${action}`);
  }
  const communityIds = q.communityId !== undefined ? [q.communityId] : wide ? null : mine;
  return { from: q.from, to: q.to, communityIds };
}

export async function passesReport(deps: Deps, actor: Actor, q: ReportQuery, reqId: string | null): Promise<PassDayRow[]> {
  return passReport(deps.db, await rangeFor(deps, actor, q, 'report.passes', reqId));
}

export async function emergenciesReport(deps: Deps, actor: Actor, q: ReportQuery, reqId: string | null): Promise<EmergencyDayRow[]> {
  return emergencyReport(deps.db, await rangeFor(deps, actor, q, 'report.emergencies', reqId));
}
