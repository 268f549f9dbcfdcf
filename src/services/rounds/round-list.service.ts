/**
 * The rounds list (issue #17, item 2). Dispatchers and admins see every round; community staff the
 * rounds that touch their communities (lists filter, they never refuse: another area's filter just
 * finds nothing of theirs). Rounds a scheduler opened carry `scheduled`.
 */
import type { RoundListQuery, RoundListResponse } from '../../contracts/round-list.contract';
import { SCHEDULER_ACTOR, visibleHouseholds, type Actor } from '../../domain/access';
import type { Db } from '../../store/db';
import { listRounds } from '../../store/round-list.repository';

/** The communities whose rounds the actor may list; undefined: every round. */
export function roundScopeOf(actor: Actor): readonly string[] | undefined {
  const visible = visibleHouseholds(actor);
  switch (visible.kind) {
    case 'all':
      return undefined;
    case 'communities':
      return visible.communityIds;
    case 'household':
    case 'corridors':
    case 'none':
      return [];
    default: {
      const unreachable: never = visible;
      return unreachable;
    }
  }
}

export async function roundList(db: Db, actor: Actor, q: RoundListQuery): Promise<RoundListResponse> {
  // One more than asked tells whether a next page exists without a count over every round.
  const rows = await listRounds(db, {
    areaId: q.areaId, kinds: q.kind, statuses: q.status, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined,
    communityIds: roundScopeOf(actor), limit: q.limit + 1, offset: q.offset,
  });
  const page = rows.slice(0, q.limit);
  return {
    rounds: page.map((r) => ({
      id: r.id, kind: r.kind, status: r.status, areaId: r.areaId, areaName: r.areaName, scheduled: r.createdBy === SCHEDULER_ACTOR,
      startedAt: r.createdAt.toISOString(),
      // A completed or failed round changes no more: its last update is when it finished.
      finishedAt: r.status === 'completed' || r.status === 'failed' ? r.updatedAt.toISOString() : null,
      planningProgress: r.progress, failureReason: r.failureReason, stops: r.stops, needs: r.needs,
    })),
    nextOffset: rows.length > q.limit ? q.offset + q.limit : null,
  };
}
