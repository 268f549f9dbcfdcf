/**
 * Setting a corridor gate's receiving hours: an admin, or a coordinator of that corridor. Rounds
 * planned afterwards route the gate's stop within them (a stored plan is checked against them at
 * its next change).
 */
import type { GateHoursBody, GateHoursView } from '../../contracts/gate-hours.contract';
import type { Actor } from '../../domain/access';
import { hhmm, parseHhmm } from '../../domain/gate-hours';
import { notFound } from '../../shared/errors';
import { findCorridorHours, setCorridorHours } from '../../store/gate-hours.repository';
import { guardCorridor, guardRole } from '../access/access-guard';
import type { GridDeps } from './grid.service';

export async function setGateHours(deps: GridDeps, actor: Actor, corridorId: string, body: GateHoursBody, reqId?: string): Promise<GateHoursView> {
  const ctx = { audit: deps.audit, reqId };
  await guardRole(ctx, actor, ['coordinator', 'admin'], 'corridor.hours', 'corridor', corridorId);
  const corridor = await findCorridorHours(deps.db, corridorId);
  if (!corridor) throw notFound('corridor');
  if (actor.role === 'coordinator') await guardCorridor(ctx, actor, corridorId, corridor.communityId ?? '', 'corridor.hours');
  const hours = { fromMin: body.from === null ? null : parseHhmm(body.from)!, untilMin: body.until === null ? null : parseHhmm(body.until)! };
  await deps.db.transaction().execute(async (trx) => {
    await setCorridorHours(trx, corridorId, hours);
    await deps.audit?.record({ actor, action: 'corridor.hours', subjectType: 'corridor', subjectId: corridorId, outcome: 'allowed', reqId: reqId ?? null }, trx);
  });
  return { corridorId, from: hours.fromMin === null ? null : hhmm(hours.fromMin), until: hours.untilMin === null ? null : hhmm(hours.untilMin) };
}
