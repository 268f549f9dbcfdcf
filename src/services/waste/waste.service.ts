/**
 * Waste collection use cases (issue #18, item 1): disposal sites (dispatchers and admins), and a
 * corridor's pickup requests: its unit chief, the community's staff, dispatchers and admins request
 * for a corridor; lists show what the caller may see. A request is a need of the corridor (kind
 * waste_pickup), so the waste round claims it like any need.
 */
import { z } from 'zod';
import type { disposalSiteBody, wasteRequestBody, wasteRequestView, disposalSiteView } from '../../contracts/waste.contract';
import { visibleHouseholds, type Actor } from '../../domain/access';
import { hhmm, parseHhmm } from '../../domain/gate-hours';
import { NEED_KIND_SPECS } from '../../domain/need-kinds';
import type { Clock } from '../../shared/clock';
import { notFound } from '../../shared/errors';
import { corridorScope } from '../../store/account-scope.repository';
import type { Db } from '../../store/db';
import { insertDisposalSite, listDisposalSites, listOpenWasteRequests, upsertWasteRequest, type DisposalSite, type WasteRequest } from '../../store/waste.repository';
import type { AuditService } from '../access/audit.service';
import { guardCorridor, guardRole } from '../access/access-guard';

export interface WasteDeps { db: Db; clock: Clock; audit: AuditService | undefined }

const PLANNERS = ['dispatcher', 'admin'] as const;

export async function createDisposalSite(deps: WasteDeps, actor: Actor, input: z.output<typeof disposalSiteBody>, reqId?: string): Promise<z.input<typeof disposalSiteView>> {
  await guardRole({ audit: deps.audit, reqId }, actor, PLANNERS, 'disposal_site.create', 'disposal_site', 'new');
  const site = await insertDisposalSite(deps.db, {
    name: input.name, lat: input.lat, lon: input.lon, opensMin: input.opensAt ? parseHhmm(input.opensAt)! : null,
    closesMin: input.closesAt ? parseHhmm(input.closesAt)! : null, capacityKg: input.capacityKg, unloadMinutes: input.unloadMinutes,
  });
  await deps.audit?.record({ actor, action: 'disposal_site.create', subjectType: 'disposal_site', subjectId: site.id, outcome: 'allowed', reqId: reqId ?? null });
  return siteView(site);
}

export async function disposalSites(deps: WasteDeps, actor: Actor, reqId?: string): Promise<z.input<typeof disposalSiteView>[]> {
  await guardRole({ audit: deps.audit, reqId }, actor, PLANNERS, 'disposal_site.list', 'disposal_site', 'all');
  return (await listDisposalSites(deps.db)).map(siteView);
}

/** A corridor's pickup request; `created` false when it replaced the corridor's open request of that category (or found it planned). */
export async function requestWastePickup(
  deps: WasteDeps, actor: Actor, corridorId: string, input: z.output<typeof wasteRequestBody>, reqId?: string,
): Promise<{ request: z.input<typeof wasteRequestView>; created: boolean }> {
  const scope = await corridorScope(deps.db, corridorId);
  if (!scope) throw notFound('corridor');
  await guardCorridor({ audit: deps.audit, reqId }, actor, corridorId, scope.communityId, 'waste_request.create');
  const spec = NEED_KIND_SPECS.waste_pickup;
  const { request, created } = await upsertWasteRequest(deps.db, {
    corridorId, communityId: scope.communityId, identityKey: spec.identity(input), details: { ...input },
    priority: spec.priority('routine'), actor: actor.userId, at: deps.clock.now(),
  });
  await deps.audit?.record({ actor, action: 'waste_request.create', subjectType: 'corridor', subjectId: corridorId, outcome: 'allowed', reqId: reqId ?? null });
  return { request: requestView(request), created };
}

/** Open requests the caller may see (a filter, never a refusal, as lists do). */
export async function openWasteRequests(deps: WasteDeps, actor: Actor, page: { limit: number; offset: number }): Promise<z.input<typeof wasteRequestView>[]> {
  const visible = visibleHouseholds(actor);
  const filter = visible.kind === 'all' ? {} : visible.kind === 'communities' ? { communityIds: visible.communityIds }
    : visible.kind === 'corridors' ? { corridorIds: visible.corridorIds } : null;
  if (!filter) return [];
  return (await listOpenWasteRequests(deps.db, filter, page.limit, page.offset)).map(requestView);
}

function siteView(s: DisposalSite): z.input<typeof disposalSiteView> {
  return {
    id: s.id, name: s.name, lat: s.lat, lon: s.lon, opensAt: s.opensMin === null ? null : hhmm(s.opensMin), closesAt: s.closesMin === null ? null : hhmm(s.closesMin),
    capacityKg: s.capacityKg, unloadMinutes: s.unloadMinutes, active: s.active,
  };
}

function requestView(r: WasteRequest): z.input<typeof wasteRequestView> {
  return {
    id: r.id, corridorId: r.corridorId, communityId: r.communityId, status: r.status, bags: r.details.bags, estimatedKg: r.details.estimatedKg,
    category: r.details.category as z.input<typeof wasteRequestView>['category'], notes: r.details.notes ?? null, createdAt: r.createdAt.toISOString(),
  };
}
