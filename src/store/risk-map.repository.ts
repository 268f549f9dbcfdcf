/** The risk map (issue #15, item 4): an area's status and level, their history, and who shows the area live. */
import { sql } from 'kysely';
import type { Area } from '../domain/area';
import type { RiskChange } from '../domain/risk-map';
import { toArea } from './grid.repository';
import type { Db } from './db';

export interface NewRiskChange {
  areaId: string;
  actorId: string | null;
  actorRole: string | null;
  from: { controlStatus: string; riskColour: string };
  to: { controlStatus: string; riskColour: string };
  reason: string;
  requestId: string | null;
}

/** Sets the area's status and level and appends the change to its history; returns both. */
export async function applyRiskChange(trx: Db, change: NewRiskChange): Promise<{ area: Area; changeId: string; at: Date }> {
  const row = await trx.updateTable('areas')
    .set({ control_status: change.to.controlStatus, risk_colour: change.to.riskColour, updated_at: sql<Date>`now()` })
    .where('id', '=', change.areaId).returningAll().executeTakeFirstOrThrow();
  const entry = await trx.insertInto('area_risk_changes')
    .values({
      area_id: change.areaId, actor_id: change.actorId, actor_role: change.actorRole,
      from_control_status: change.from.controlStatus, to_control_status: change.to.controlStatus,
      from_risk_colour: change.from.riskColour, to_risk_colour: change.to.riskColour,
      reason: change.reason, request_id: change.requestId,
    })
    .returning(['id', 'changed_at']).executeTakeFirstOrThrow();
  return { area: toArea(row), changeId: entry.id, at: entry.changed_at };
}

/** An area's history, newest first; `before` pages on (changes older than that change). */
export async function listRiskChanges(db: Db, areaId: string, page: { limit: number; before?: string | undefined }): Promise<RiskChange[]> {
  let q = db.selectFrom('area_risk_changes as c')
    .leftJoin('users as u', 'u.id', 'c.actor_id')
    .select(['c.id', 'c.area_id', 'c.changed_at', 'c.actor_id', 'u.username', 'c.actor_role', 'c.from_control_status', 'c.to_control_status', 'c.from_risk_colour', 'c.to_risk_colour', 'c.reason'])
    .where('c.area_id', '=', areaId);
  if (page.before) {
    const before = page.before;
    q = q.where(sql<boolean>`(c.changed_at, c.id) < (select changed_at, id from area_risk_changes where id = ${before}::uuid)`);
  }
  const rows = await q.orderBy('c.changed_at', 'desc').orderBy('c.id', 'desc').limit(page.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    areaId: r.area_id,
    at: r.changed_at,
    actorId: r.actor_id,
    actorName: r.username,
    actorRole: r.actor_role,
    from: { controlStatus: r.from_control_status, riskColour: r.from_risk_colour },
    to: { controlStatus: r.to_control_status, riskColour: r.to_risk_colour },
    reason: r.reason,
  }));
}

/**
 * Who shows an area live, besides the dispatch desk: the corridors in use at or under it (their
 * unit chiefs' screens) when it is a community or below, and the communities at or under it.
 */
export async function liveAudienceOf(db: Db, area: Pick<Area, 'id' | 'kind'>): Promise<{ communityIds: string[]; corridorIds: string[] }> {
  const below = area.kind === 'district' || area.kind === 'street';
  const rows = await sql<{ id: string; kind: string }>`with recursive sub(id) as (select ${area.id}::uuid union all select a.id from areas a join sub on a.parent_id = sub.id where a.retired_at is null)
    select a.id, a.kind from areas a join sub on a.id = sub.id where a.kind in ('community', 'corridor')`.execute(db);
  return {
    communityIds: rows.rows.filter((r) => r.kind === 'community').map((r) => r.id),
    corridorIds: below ? [] : rows.rows.filter((r) => r.kind === 'corridor').map((r) => r.id),
  };
}
