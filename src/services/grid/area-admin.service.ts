/**
 * Keeping the grid (issue #15, item 1): create, rename, move and retire areas. Admins everywhere;
 * community staff inside their communities (buildings and corridors, and renaming their community);
 * unit chiefs and dispatchers only read (grid.service.ts). Only admins retire, and only an area
 * that holds nothing any more: no areas in use under it, no households, no open needs; retired
 * areas stay, with their history, and are never deleted. Every change is audited in its transaction.
 */
import type { Actor } from '../../domain/access';
import { parentKindsOf, type Area, type AreaKind } from '../../domain/area';
import { areaNameKey, type AreaChange, type CreateAreaInput } from '../../domain/area-admin';
import { AppError } from '../../shared/errors';
import {
  countHoldings, countHouseholdsBelow, findAreaForUpdate, findSiblingByName, insertArea, lockGrid, retireArea as markRetired, setCommunityOfSubtree, updateArea,
} from '../../store/area-admin.repository';
import { findArea } from '../../store/grid.repository';
import { guardDecision, guardRole, type GuardContext } from '../access/access-guard';
import type { AuditEntry } from '../access/audit.service';
import type { GridDeps } from './grid.service';

export const GRID_WRITERS: readonly Actor['role'][] = ['community_staff', 'admin'];

const fieldError = (code: 'validation' | 'conflict', path: string, message: string) => new AppError(code, `${path}: ${message}`, { errors: [{ path: [path], message }] });
const entry = (actor: Actor, action: string, id: string, reqId: string | undefined): AuditEntry => ({ actor, action, subjectType: 'area', subjectId: id, outcome: 'allowed', reqId: reqId ?? null });

/** Whether the actor may write inside this community (null: above community level, admins only). */
export function mayWriteIn(actor: Actor, communityId: string | null): boolean {
  return actor.role === 'admin' || (actor.role === 'community_staff' && communityId !== null && actor.communityIds.includes(communityId));
}

/** The community a child of `parent` lies in. */
export const communityUnder = (parent: Pick<Area, 'id' | 'kind' | 'communityId'>): string | null => (parent.kind === 'community' ? parent.id : parent.communityId);

/** The parent named for an area of `kind`: in use, of the right kind, or a 422 naming parentId. */
async function parentFor(db: GridDeps['db'], kind: AreaKind, parentId: string | null): Promise<Area | null> {
  const kinds = parentKindsOf(kind);
  if (kinds.length === 0) {
    if (parentId !== null) throw fieldError('validation', 'parentId', 'a district has no parent');
    return null;
  }
  if (parentId === null) throw fieldError('validation', 'parentId', `required: a ${kind} goes under a ${kinds.join(' or ')}`);
  const parent = await findArea(db, parentId);
  if (!parent || parent.retiredAt !== null) throw fieldError('validation', 'parentId', 'no such area in use');
  if (!kinds.includes(parent.kind)) throw fieldError('validation', 'parentId', `a ${kind} goes under a ${kinds.join(' or ')}, not a ${parent.kind}`);
  return parent;
}

async function uniqueName(trx: GridDeps['db'], parentId: string | null, name: string, exceptId?: string): Promise<void> {
  if (await findSiblingByName(trx, parentId, areaNameKey(name), exceptId)) throw fieldError('conflict', 'name', 'an area of this name is already in use under the same parent');
}

export async function createArea(deps: GridDeps, actor: Actor, input: CreateAreaInput, reqId?: string): Promise<Area> {
  const ctx: GuardContext = { audit: deps.audit, reqId };
  await guardRole(ctx, actor, GRID_WRITERS, 'area.create', 'area', input.parentId ?? '*');
  const parent = await parentFor(deps.db, input.kind, input.parentId);
  // A community is created under a street (admins); anything below it inside the caller's communities.
  await guardDecision(ctx, actor, mayWriteIn(actor, parent && communityUnder(parent)), 'area.create', 'area', input.parentId ?? '*');
  return deps.db.transaction().execute(async (trx) => {
    await lockGrid(trx);
    await uniqueName(trx, input.parentId, input.name);
    const area = await insertArea(trx, { kind: input.kind, name: input.name, parentId: input.parentId, communityId: parent && communityUnder(parent), lat: input.lat, lon: input.lon });
    await deps.audit?.record(entry(actor, 'area.create', area.id, reqId), trx);
    return area;
  });
}

/**
 * Rename, move, or set the coordinates. A move that takes an area to another community is refused
 * while households live under it: their community decides who serves them and who sees their needs
 * and passes (move the households first, through the register).
 */
export async function changeArea(deps: GridDeps, actor: Actor, areaId: string, change: AreaChange, reqId?: string): Promise<Area> {
  const ctx: GuardContext = { audit: deps.audit, reqId };
  const area = await findArea(deps.db, areaId);
  if (!area) throw new AppError('not_found', 'area not found');
  await guardRole(ctx, actor, GRID_WRITERS, 'area.update', 'area', areaId);
  await guardDecision(ctx, actor, mayWriteIn(actor, area.communityId), 'area.update', 'area', areaId);
  const moving = change.parentId !== undefined && change.parentId !== area.parentId;
  const parent = moving ? await parentFor(deps.db, area.kind, change.parentId ?? null) : undefined;
  if (parent) await guardDecision(ctx, actor, mayWriteIn(actor, communityUnder(parent)), 'area.move', 'area', areaId);

  return deps.db.transaction().execute(async (trx) => {
    await lockGrid(trx);
    const current = await findAreaForUpdate(trx, areaId);
    if (!current) throw new AppError('not_found', 'area not found');
    if (current.retiredAt !== null) throw new AppError('conflict', 'the area is retired: it can no longer change');
    const parentId = parent ? parent.id : current.parentId;
    const renamed = change.name !== undefined && change.name !== current.name;
    if (renamed || moving) await uniqueName(trx, parentId, change.name ?? current.name, current.id);
    const community = parent && current.kind !== 'community' ? communityUnder(parent) : current.communityId;
    const leavesCommunity = community !== current.communityId;
    if (leavesCommunity && (await countHouseholdsBelow(trx, current.id)) > 0) {
      throw fieldError('conflict', 'parentId', 'households live under this area: moving it to another community needs them moved first');
    }
    const updated = await updateArea(trx, current.id, { ...change, ...(parent ? { parentId: parent.id } : {}) });
    if (leavesCommunity && community !== null) await setCommunityOfSubtree(trx, current.id, community);
    const audits = [entry(actor, moving ? 'area.move' : renamed ? 'area.rename' : 'area.update', current.id, reqId)];
    if (moving && renamed) audits.push(entry(actor, 'area.rename', current.id, reqId));
    await deps.audit?.recordMany(audits, trx);
    return { ...updated, communityId: community };
  });
}

/** Admins retire an area that holds nothing any more (409 naming what it still holds). */
export async function retireArea(deps: GridDeps, actor: Actor, areaId: string, reqId?: string): Promise<Area> {
  const area = await findArea(deps.db, areaId);
  if (!area) throw new AppError('not_found', 'area not found');
  await guardRole({ audit: deps.audit, reqId }, actor, ['admin'], 'area.retire', 'area', areaId);
  return deps.db.transaction().execute(async (trx) => {
    await lockGrid(trx);
    const current = await findAreaForUpdate(trx, areaId);
    if (!current) throw new AppError('not_found', 'area not found');
    if (current.retiredAt !== null) throw new AppError('conflict', 'the area is already retired');
    const holds = await countHoldings(trx, areaId);
    if (holds.activeChildren + holds.households + holds.openNeeds > 0) {
      const what = [[holds.activeChildren, 'area(s) in use under it'], [holds.households, 'household(s)'], [holds.openNeeds, 'open need(s)']].filter(([n]) => Number(n) > 0).map(([n, w]) => `${n} ${w}`);
      throw new AppError('conflict', `the area still holds ${what.join(', ')}: retire or move them first`, { details: { holds } });
    }
    const retired = await markRetired(trx, areaId);
    await deps.audit?.record(entry(actor, 'area.retire', areaId, reqId), trx);
    return retired;
  });
}
