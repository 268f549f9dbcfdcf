/** Read access to the grid for staff: areas, corridors and the households in them. */
import type { HouseholdView } from '../../contracts/intake.contract';
import type { Actor } from '../../domain/access';
import type { Area } from '../../domain/area';
import type { Outline } from '../../domain/area-admin';
import { findOutline } from '../../store/area-admin.repository';
import { AppError } from '../../shared/errors';
import { findArea, findAreasByKind, findChildAreas, findHouseholdsIn, type HouseholdPage } from '../../store/grid.repository';

import { guardCommunity, guardCorridor, guardDecision, guardHousehold, guardRole, type GuardContext } from '../access/access-guard';
import type { AuditService } from '../access/audit.service';
import { loadHousehold } from '../needs/intake.service';
import { householdView } from '../needs/need-view';
import type { Db } from '../../store/db';

export interface GridDeps {
  db: Db;
  audit: AuditService | undefined;
}

const STAFF: readonly Actor['role'][] = ['coordinator', 'community_staff', 'dispatcher', 'admin'];

async function loadArea(db: Db, id: string): Promise<Area> {
  const area = await findArea(db, id);
  if (!area) throw new AppError('not_found', 'area not found');
  return area;
}

/**
 * An area and its children. Above community level (names and statuses): any staff. A community or
 * building: community staff of it, district staff, or a coordinator with a corridor inside (who
 * then sees only the way down to their own corridors, not their neighbours'). Retired children only
 * when asked for; the area's outline when it has one.
 */
export async function getArea(deps: GridDeps, actor: Actor, areaId: string, reqId?: string, includeRetired = false): Promise<{ area: Area; children: Area[]; outline: Outline | null }> {
  const ctx: GuardContext = { audit: deps.audit, reqId };
  const area = await loadArea(deps.db, areaId);
  const children = await findChildAreas(deps.db, area.id, includeRetired);
  const outline = await findOutline(deps.db, area.id);
  if (area.kind === 'corridor') {
    await guardCorridor(ctx, actor, area.id, area.communityId ?? '', 'area.read');
  } else if (area.communityId === null) {
    await guardRole(ctx, actor, STAFF, 'area.read', 'area', area.id);
  } else if (actor.role === 'coordinator') {
    const mine = await findAreasByKind(deps.db, 'corridor', actor.corridorIds);
    const inside = mine.filter((c) => (area.kind === 'community' ? c.communityId === area.id : c.parentId === area.id));
    await guardDecision(ctx, actor, inside.length > 0, 'area.read', 'area', area.id);
    const visible = new Set([...inside.map((c) => c.id), ...inside.map((c) => c.parentId)]);
    return { area, children: children.filter((c) => visible.has(c.id)), outline };
  } else {
    await guardCommunity(ctx, actor, area.communityId, 'area.read');
  }
  return { area, children, outline };
}

/** The districts: the roots of the grid, where an admin's tree starts (also before any corridor exists). */
export async function listDistricts(deps: GridDeps, actor: Actor, reqId?: string): Promise<Area[]> {
  await guardRole({ audit: deps.audit, reqId }, actor, STAFF, 'area.list', 'area', '*');
  return findAreasByKind(deps.db, 'district');
}

/** The corridors this actor works in: a coordinator's own, a community worker's communities', everything for district staff. */
export async function listMyCorridors(deps: GridDeps, actor: Actor, reqId?: string): Promise<Area[]> {
  await guardRole({ audit: deps.audit, reqId }, actor, STAFF, 'corridor.list', 'corridor', '*');
  const all = await findAreasByKind(deps.db, 'corridor', actor.role === 'coordinator' ? actor.corridorIds : undefined);
  if (actor.role === 'community_staff') return all.filter((c) => c.communityId !== null && actor.communityIds.includes(c.communityId));
  return all;
}

export async function listCorridorHouseholds(deps: GridDeps, actor: Actor, corridorId: string, page: HouseholdPage, reqId?: string): Promise<HouseholdView[]> {
  const corridor = await loadArea(deps.db, corridorId);
  if (corridor.kind !== 'corridor') throw new AppError('not_found', 'corridor not found');
  await guardCorridor({ audit: deps.audit, reqId }, actor, corridor.id, corridor.communityId ?? '', 'corridor.households.read');
  return (await findHouseholdsIn(deps.db, { corridorId }, page)).map(householdView);
}

export async function listCommunityHouseholds(deps: GridDeps, actor: Actor, communityId: string, page: HouseholdPage, reqId?: string): Promise<HouseholdView[]> {
  const community = await loadArea(deps.db, communityId);
  if (community.kind !== 'community') throw new AppError('not_found', 'community not found');
  await guardCommunity({ audit: deps.audit, reqId }, actor, community.id, 'community.households.read');
  return (await findHouseholdsIn(deps.db, { communityId }, page)).map(householdView);
}

export async function getHousehold(deps: GridDeps, actor: Actor, householdId: string, reqId?: string): Promise<HouseholdView> {
  const h = await loadHousehold(deps.db, householdId);
  await guardHousehold({ audit: deps.audit, reqId }, actor, { householdId: h.id, corridorId: h.corridorId, communityId: h.communityId }, 'household.read');
  return householdView(h);
}
