/**
 * Recurring waste pickups (issue #18, item 1): the district (dispatchers, admins) or the community's
 * staff set a corridor's schedule per category, e.g. daily for corridors with positive households;
 * the corridor's unit chief reads it. A waste round opens the requests its schedules make due.
 */
import type { z } from 'zod';
import type { wasteScheduleBody, wasteScheduleView } from '../../contracts/waste.contract';
import { canAccessCommunity, type Actor } from '../../domain/access';
import { notFound } from '../../shared/errors';
import { corridorScope } from '../../store/account-scope.repository';
import { corridorWasteSchedules, deleteWasteSchedule, upsertWasteSchedule, type WasteSchedule } from '../../store/waste-schedule.repository';
import { guardCorridor, guardDecision } from '../access/access-guard';
import type { WasteDeps } from './waste.service';

type View = z.input<typeof wasteScheduleView>;

async function scopeOf(deps: WasteDeps, actor: Actor, corridorId: string, action: string, write: boolean, reqId?: string): Promise<{ communityId: string }> {
  const scope = await corridorScope(deps.db, corridorId);
  if (!scope) throw notFound('corridor');
  // Setting a schedule is the district's or the community's decision; the unit chief reads it.
  if (write) await guardDecision({ audit: deps.audit, reqId }, actor, canAccessCommunity(actor, scope.communityId), action, 'corridor', corridorId);
  else await guardCorridor({ audit: deps.audit, reqId }, actor, corridorId, scope.communityId, action);
  return scope;
}

export async function setWasteSchedule(
  deps: WasteDeps, actor: Actor, corridorId: string, category: WasteSchedule['category'], input: z.output<typeof wasteScheduleBody>, reqId?: string,
): Promise<View> {
  const { communityId } = await scopeOf(deps, actor, corridorId, 'waste_schedule.set', true, reqId);
  const schedule = await upsertWasteSchedule(deps.db, { corridorId, communityId, category, ...input, actor: actor.userId });
  await deps.audit?.record({ actor, action: 'waste_schedule.set', subjectType: 'corridor', subjectId: corridorId, outcome: 'allowed', reqId: reqId ?? null });
  return view(schedule);
}

/** Idempotent: stopping a schedule that is not there (any more) is done. */
export async function removeWasteSchedule(deps: WasteDeps, actor: Actor, corridorId: string, category: string, reqId?: string): Promise<void> {
  await scopeOf(deps, actor, corridorId, 'waste_schedule.remove', true, reqId);
  await deleteWasteSchedule(deps.db, corridorId, category);
  await deps.audit?.record({ actor, action: 'waste_schedule.remove', subjectType: 'corridor', subjectId: corridorId, outcome: 'allowed', reqId: reqId ?? null });
}

export async function wasteSchedules(deps: WasteDeps, actor: Actor, corridorId: string, reqId?: string): Promise<View[]> {
  await scopeOf(deps, actor, corridorId, 'waste_schedule.read', false, reqId);
  return (await corridorWasteSchedules(deps.db, corridorId)).map(view);
}

const view = (s: WasteSchedule): View => ({ ...s, category: s.category as View['category'] });
