/**
 * The household register's use cases: create, change and list households (issue #15, item 2).
 * Community staff write in their communities, admins everywhere; unit chiefs (coordinators) read
 * their corridors, dispatchers the district. Every change is audited in its own transaction, and a
 * change of infection status gets an audit row of its own. Nothing about open needs is copied: the
 * planner reads the household's infection status when it plans (src/store/round-inputs.repository.ts),
 * so the next plan hands a household that turned positive to a protective vehicle.
 */
import type { RegisterHouseholdView } from '../../contracts/household.contract';
import { canAccessCommunity, type Actor } from '../../domain/access';
import { needsProtectiveHandling } from '../../domain/household';
import type { CreateHouseholdInput, HouseholdChange, HouseholdFields, RegisteredHousehold } from '../../domain/household-register';
import { classifyDbError } from '../../shared/db-errors';
import { AppError } from '../../shared/errors';
import type { Db } from '../../store/db';
import { findArea } from '../../store/grid.repository';
import {
  countNeedsInRounds, countOpenNeeds, findRegisteredHousehold, moveWaitingNeeds, insertHousehold, listRegisteredHouseholds, updateHousehold, type RegisterFilter,
} from '../../store/household-register.repository';
import { guardCommunity, guardCorridor, guardDecision, guardRole, type GuardContext } from '../access/access-guard';
import type { AuditEntry, AuditService } from '../access/audit.service';

export interface RegisterDeps {
  db: Db;
  audit: AuditService | undefined;
}

/** Who writes the register. */
export const REGISTER_WRITERS: readonly Actor['role'][] = ['community_staff', 'admin'];
export const REGISTER_READERS: readonly Actor['role'][] = ['coordinator', 'community_staff', 'dispatcher', 'admin'];

export function registerView(h: RegisteredHousehold): RegisterHouseholdView {
  const { updatedAt, ...rest } = h;
  return { ...rest, protectiveHandling: needsProtectiveHandling(h), updatedAt: updatedAt.toISOString() };
}

const fieldError = (code: 'validation' | 'conflict', path: string, message: string) => new AppError(code, `${path}: ${message}`, { errors: [{ path: [path], message }] });

/** A corridor named in a body: unknown is a 422 naming the field, outside the caller's communities a 403 (audited). */
async function writableCorridor(deps: RegisterDeps, ctx: GuardContext, actor: Actor, corridorId: string, action: string) {
  const corridor = await findArea(deps.db, corridorId);
  if (!corridor || corridor.kind !== 'corridor' || corridor.communityId === null || corridor.retiredAt !== null) throw fieldError('validation', 'corridorId', 'no such corridor');
  await guardCommunity(ctx, actor, corridor.communityId, action);
  return { id: corridor.id, communityId: corridor.communityId, lat: corridor.lat, lon: corridor.lon };
}

/** The unique (corridor, address key) index broken: the address is taken in that corridor. */
async function uniqueAddress<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (classifyDbError(err)?.kind === 'unique') throw fieldError('conflict', 'address', 'a household with this address is already registered in the corridor');
    throw err;
  }
}

const entry = (actor: Actor, action: string, id: string, reqId: string | undefined): AuditEntry => ({ actor, action, subjectType: 'household', subjectId: id, outcome: 'allowed', reqId: reqId ?? null });

export async function createHousehold(deps: RegisterDeps, actor: Actor, input: CreateHouseholdInput, reqId?: string): Promise<RegisterHouseholdView> {
  const ctx: GuardContext = { audit: deps.audit, reqId };
  await guardRole(ctx, actor, REGISTER_WRITERS, 'household.create', 'corridor', input.corridorId);
  const corridor = await writableCorridor(deps, ctx, actor, input.corridorId, 'household.create');
  const lat = input.lat ?? corridor.lat;
  const lon = input.lon ?? corridor.lon;
  if (lat === null) throw fieldError('validation', 'lat', 'required: the corridor has no coordinates');
  if (lon === null) throw fieldError('validation', 'lon', 'required: the corridor has no coordinates');
  const fields: HouseholdFields = { ...input, corridorId: corridor.id, communityId: corridor.communityId, lat, lon };
  const created = await uniqueAddress(() => deps.db.transaction().execute(async (trx) => {
    const h = await insertHousehold(trx, fields);
    await deps.audit?.record(entry(actor, 'household.create', h.id, reqId), trx);
    return h;
  }));
  return registerView(created);
}

export async function changeHousehold(deps: RegisterDeps, actor: Actor, householdId: string, change: HouseholdChange, reqId?: string): Promise<{ household: RegisterHouseholdView; openNeeds: number }> {
  const ctx: GuardContext = { audit: deps.audit, reqId };
  const current = await findRegisteredHousehold(deps.db, householdId);
  if (!current) throw new AppError('not_found', 'household not found');
  await guardRole(ctx, actor, REGISTER_WRITERS, 'household.update', 'household', householdId);
  await guardDecision(ctx, actor, canAccessCommunity(actor, current.communityId), 'household.update', 'household', householdId);
  const target = change.corridorId && change.corridorId !== current.corridorId ? await writableCorridor(deps, ctx, actor, change.corridorId, 'household.update') : undefined;

  const result = await uniqueAddress(() => deps.db.transaction().execute(async (trx) => {
    // Locked and read again: the change applies to what is stored now, not to what was read above.
    const locked = await findRegisteredHousehold(trx, householdId, true);
    if (!locked) throw new AppError('not_found', 'household not found');
    const { corridorId: _moved, ...values } = change;
    const fields: HouseholdFields = {
      ...locked, ...values,
      corridorId: target?.id ?? locked.corridorId,
      communityId: target?.communityId ?? locked.communityId,
      // A move without coordinates takes the new corridor's, when it has them.
      lat: values.lat ?? (target?.lat ?? locked.lat),
      lon: values.lon ?? (target?.lon ?? locked.lon),
    };
    const moved = fields.corridorId !== locked.corridorId;
    // Needs a round holds were planned for the old gate: move the household once they are delivered or cancelled.
    if (moved && (await countNeedsInRounds(trx, householdId)) > 0) throw fieldError('conflict', 'corridorId', 'the household has needs planned or on their way to its gate; move it once they are delivered or cancelled');
    const h = await updateHousehold(trx, householdId, fields);
    if (moved) await moveWaitingNeeds(trx, householdId, h.corridorId, h.communityId);
    const audits = [entry(actor, 'household.update', h.id, reqId)];
    if (h.infectionStatus !== locked.infectionStatus) audits.push(entry(actor, 'household.infection_status.change', h.id, reqId));
    await deps.audit?.recordMany(audits, trx);
    return { h, openNeeds: await countOpenNeeds(trx, h.id) };
  }));
  return { household: registerView(result.h), openNeeds: result.openNeeds };
}

export interface RegisterQuery {
  corridorId?: string | undefined;
  communityId?: string | undefined;
  infectionStatus?: RegisteredHousehold['infectionStatus'] | undefined;
  limit: number;
  offset: number;
}

/** A page of the register within the caller's reach; a named corridor or community outside it is refused (403, audited). */
export async function listHouseholds(deps: RegisterDeps, actor: Actor, q: RegisterQuery, reqId?: string): Promise<RegisterHouseholdView[]> {
  const ctx: GuardContext = { audit: deps.audit, reqId };
  await guardRole(ctx, actor, REGISTER_READERS, 'household.list', 'household', '*');
  if (q.corridorId) {
    const corridor = await findArea(deps.db, q.corridorId);
    if (!corridor || corridor.kind !== 'corridor') throw new AppError('validation', 'corridorId: no such corridor', { errors: [{ path: ['corridorId'], message: 'no such corridor', in: 'query' }] });
    await guardCorridor(ctx, actor, corridor.id, corridor.communityId ?? '', 'household.list');
  }
  if (q.communityId) await guardCommunity(ctx, actor, q.communityId, 'household.list');
  const scope: RegisterFilter['scope'] =
    actor.role === 'coordinator' ? { kind: 'corridors', ids: actor.corridorIds } : actor.role === 'community_staff' ? { kind: 'communities', ids: actor.communityIds } : { kind: 'all' };
  return (await listRegisteredHouseholds(deps.db, { ...q, scope })).map(registerView);
}
