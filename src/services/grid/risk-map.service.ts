/**
 * The risk map (issue #15, item 4): an area's control status and risk level, changed by admins
 * anywhere and community staff inside their communities (a community, its buildings and corridors),
 * each change kept in the area's history (who, when, from, to, why), audited, and published live
 * as `area.risk_changed` to the dispatch desk and every community and corridor screen showing the
 * area. The codes an area may take are the district's configured ones (src/domain/risk-map.ts).
 */
import { scope, type Scope } from '../../contracts/events';
import type { Actor } from '../../domain/access';
import type { Area } from '../../domain/area';
import { codesOf, type RiskChange, type RiskChangeInput, type RiskMapSettings } from '../../domain/risk-map';
import { AppError, type FieldError } from '../../shared/errors';
import { findAreaForUpdate } from '../../store/area-admin.repository';
import { findArea } from '../../store/grid.repository';
import { applyRiskChange, listRiskChanges, liveAudienceOf } from '../../store/risk-map.repository';
import { guardDecision, guardRole, type GuardContext } from '../access/access-guard';
import type { LivePublisher, Staged } from '../live-status/live.service';
import { GRID_WRITERS, mayWriteIn } from './area-admin.service';
import { getArea, type GridDeps } from './grid.service';

export interface RiskMapDeps extends GridDeps {
  riskMap: RiskMapSettings;
  /** When given, each change is published live (stored in the change's transaction, sent after commit). */
  publisher?: Pick<LivePublisher, 'store' | 'release'> | undefined;
}

export interface RiskChangeResult {
  area: Area;
  /** The history entry; null when the area already had that status and level (nothing written). */
  change: RiskChange | null;
}

/** The fields naming a code the district has not configured (422, naming each). */
function unknownCodes(input: RiskChangeInput, settings: RiskMapSettings): FieldError[] {
  const checks = [['controlStatus', input.controlStatus, codesOf(settings.controlStatuses)], ['riskColour', input.riskColour, codesOf(settings.riskLevels)]] as const;
  return checks.filter(([, code, allowed]) => code !== undefined && !allowed.includes(code)).map(([path, , allowed]) => ({ path: [path], message: `not a configured code: one of ${allowed.join(', ')}` }));
}

/** Who shows this area live: the dispatch desk, the communities at or under it, its corridors. */
async function scopesOf(db: GridDeps['db'], area: Area): Promise<Scope[]> {
  const audience = await liveAudienceOf(db, area);
  const communities = new Set(audience.communityIds);
  if (area.communityId !== null) communities.add(area.communityId);
  return [scope.dispatch, ...[...communities].map(scope.community), ...audience.corridorIds.map(scope.corridor)];
}

export async function changeAreaRisk(deps: RiskMapDeps, actor: Actor, areaId: string, input: RiskChangeInput, reqId?: string): Promise<RiskChangeResult> {
  const ctx: GuardContext = { audit: deps.audit, reqId };
  const area = await findArea(deps.db, areaId);
  if (!area) throw new AppError('not_found', 'area not found');
  await guardRole(ctx, actor, GRID_WRITERS, 'area.risk_change', 'area', areaId);
  await guardDecision(ctx, actor, mayWriteIn(actor, area.communityId), 'area.risk_change', 'area', areaId);
  const unknown = unknownCodes(input, deps.riskMap);
  if (unknown.length > 0) throw new AppError('validation', unknown.map((e) => `${e.path.join('.')}: ${e.message}`).join('; '), { errors: unknown });

  let envelopes: Staged[] = [];
  const result = await deps.db.transaction().execute(async (trx): Promise<RiskChangeResult> => {
    const current = await findAreaForUpdate(trx, areaId);
    if (!current) throw new AppError('not_found', 'area not found');
    if (current.retiredAt !== null) throw new AppError('conflict', 'the area is retired: it can no longer change');
    const from = { controlStatus: current.controlStatus, riskColour: current.riskColour };
    const to = { controlStatus: input.controlStatus ?? from.controlStatus, riskColour: input.riskColour ?? from.riskColour };
    // Audited either way (the audit log keeps every write asked for); history and screens only see changes.
    await deps.audit?.record({ actor, action: 'area.risk_change', subjectType: 'area', subjectId: areaId, outcome: 'allowed', reqId: reqId ?? null }, trx);
    if (to.controlStatus === from.controlStatus && to.riskColour === from.riskColour) return { area: current, change: null };
    const applied = await applyRiskChange(trx, { areaId, actorId: actor.userId, actorRole: actor.role, from, to, reason: input.reason, requestId: reqId ?? null });
    if (deps.publisher) {
      envelopes = await deps.publisher.store(trx, await scopesOf(trx, current), {
        type: 'area.risk_changed', areaId, kind: current.kind, communityId: current.communityId,
        controlStatus: to.controlStatus, previousControlStatus: from.controlStatus, riskColour: to.riskColour, previousRiskColour: from.riskColour,
        changeId: applied.changeId, at: applied.at.toISOString(),
      });
    }
    return {
      area: applied.area,
      change: { id: applied.changeId, areaId, at: applied.at, actorId: actor.userId, actorName: null, actorRole: actor.role, from, to, reason: input.reason },
    };
  });
  if (envelopes.length > 0) await deps.publisher?.release(envelopes);
  return result;
}

/** An area's history, newest first: whoever may read the area (grid.service.ts's rule). */
export async function areaRiskHistory(deps: GridDeps, actor: Actor, areaId: string, page: { limit: number; before?: string | undefined }, reqId?: string): Promise<{ area: Area; changes: RiskChange[] }> {
  const { area } = await getArea(deps, actor, areaId, reqId);
  return { area, changes: await listRiskChanges(deps.db, area.id, page) };
}
