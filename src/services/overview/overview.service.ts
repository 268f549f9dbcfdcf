/**
 * The district at a glance (issue #17, item 3): for dispatchers and admins the whole district or
 * the communities at or below an area, for community staff their communities. Each figure names
 * the list behind it (see contracts/overview.contract.ts). Counts only: no household, no medical
 * detail, nothing that needs an audited read.
 */
import type { OverviewQuery, OverviewResponse } from '../../contracts/overview.contract';
import { visibleHouseholds, type Actor } from '../../domain/access';
import { foodCycleAt } from '../../domain/food-cycle';
import { ROUND_SHIFT_START_MIN } from '../../domain/gate-hours';
import { NEED_STATUSES, NO_FAILURE_REASON, OPEN_STATUSES } from '../../domain/need-status';
import { VERIFYING_STATUSES } from '../../domain/pass-status';
import { ON_ROAD_ROUND_STATUSES } from '../../domain/round';
import { AppError, notFound } from '../../shared/errors';
import type { Clock } from '../../shared/clock';
import type { Db } from '../../store/db';
import { findArea } from '../../store/grid.repository';
import * as q from '../../store/overview.repository';

/** Days of deliveries averaged into a daily use (days of cover = on hand / daily use). */
export const STOCK_USE_DAYS = 14;
const DAY_MS = 86_400_000;
const DELIVERED_ROUNDS = [...ON_ROAD_ROUND_STATUSES, 'completed'].join(',');
/** A cycle's food packages owed: all but the cancelled ones. */
const OWED_STATUSES = NEED_STATUSES.filter((s) => s !== 'cancelled').join(',');

export interface OverviewDeps { db: Db; clock: Clock; foodCycleDays: number }

/** Rows summed by a key, in first-seen order. */
function sumBy<T extends { count: number }>(rows: readonly T[], key: (r: T) => string): { key: string; row: T; count: number }[] {
  const out = new Map<string, { key: string; row: T; count: number }>();
  for (const r of rows) {
    const k = key(r);
    const sum = out.get(k) ?? { key: k, row: r, count: 0 };
    sum.count += r.count;
    out.set(k, sum);
  }
  return [...out.values()];
}

const href = (path: string, query: Record<string, string>): string => `${path}?${new URLSearchParams(query).toString()}`;

/** A figure counting needs of a community: its filter and the needs list (GET /api/communities/:id/needs) that holds exactly those. */
const needList = (communityId: string, filter: Record<string, string>) => ({ list: { communityId, ...filter }, href: href(`/api/communities/${communityId}/needs`, filter) });

/** The communities the actor may see: undefined for all; staff their own; other roles none (the route refuses them first). */
function staffScope(actor: Actor): readonly string[] | undefined {
  const v = visibleHouseholds(actor);
  return v.kind === 'all' ? undefined : v.kind === 'communities' ? v.communityIds : [];
}

export async function overview(deps: OverviewDeps, actor: Actor, query: OverviewQuery): Promise<OverviewResponse> {
  if (query.areaId) {
    const area = await findArea(deps.db, query.areaId);
    if (!area) throw notFound('area');
    if (area.kind === 'building' || area.kind === 'corridor') {
      throw new AppError('validation', 'invalid query: areaId', { errors: [{ path: ['areaId'], message: 'a district, street or community (figures are per community)', in: 'query' }] });
    }
  }
  const now = deps.clock.now();
  const cycle = foodCycleAt(now, deps.foodCycleDays);
  const since = query.since ? new Date(query.since) : cycle.start;
  const communities = await q.communitiesInView(deps.db, query.areaId, staffScope(actor));
  const scope = { communityIds: communities.map((c) => c.id) };
  const [needs, cycles, unserved, timeliness, passes, stock, emergencies] = await Promise.all([
    q.needCounts(deps.db, scope, OPEN_STATUSES, since),
    q.cycleCounts(deps.db, scope, cycle.id),
    q.unservedReasons(deps.db, scope, since),
    q.deliveryTimeliness(deps.db, scope, since, ROUND_SHIFT_START_MIN),
    q.passesOut(deps.db, scope, VERIFYING_STATUSES),
    q.stockUse(deps.db, new Date(now.getTime() - STOCK_USE_DAYS * DAY_MS)),
    q.emergencyFigures(deps.db, scope, since),
  ]);
  const sinceIso = since.toISOString();
  const of = <T extends { communityId: string }>(rows: readonly T[], id: string): T[] => rows.filter((r) => r.communityId === id);
  return {
    since: sinceIso,
    cycle: { id: cycle.id, start: cycle.start.toISOString(), end: cycle.end.toISOString() },
    stockUseDays: STOCK_USE_DAYS,
    communities: communities.map((c) => {
      const owed = of(cycles, c.id)[0] ?? { owed: 0, delivered: 0 };
      const t = of(timeliness, c.id)[0] ?? { onTime: 0, late: 0, noWindow: 0 };
      const p = of(passes, c.id)[0] ?? { inFlight: 0, overdue: 0 };
      const passList = (statuses: readonly string[]) => ({ list: { communityId: c.id, status: statuses.join(',') }, href: href(`/api/communities/${c.id}/passes`, { status: statuses.join(',') }) });
      const rounds = { areaId: c.id, status: DELIVERED_ROUNDS, from: sinceIso };
      return {
        communityId: c.id, communityName: c.name,
        // Open needs are counted whatever their age, closed ones only when changed since the window start.
        needs: sumBy(of(needs, c.id), (n) => `${n.kind}/${n.status}`).map(({ row, count }) => ({
          kind: row.kind, status: row.status, count, ...needList(c.id, { kind: row.kind, status: row.status, ...(OPEN_STATUSES.includes(row.status) ? {} : { since: sinceIso }) }),
        })),
        cycle: { owed: owed.owed, delivered: owed.delivered, share: owed.owed ? owed.delivered / owed.owed : null, ...needList(c.id, { kind: 'food_package', cycle: cycle.id, status: OWED_STATUSES }) },
        unserved: of(unserved, c.id).map((u) => ({ reason: u.reason, count: u.count, ...needList(c.id, { status: 'accepted', unservedReason: u.reason, since: sinceIso }) })),
        failed: sumBy(of(needs, c.id).filter((n) => n.status === 'failed'), (n) => n.reason ?? NO_FAILURE_REASON).map(({ key, count }) => ({ reason: key, count, ...needList(c.id, { status: 'failed', failureReason: key, since: sinceIso }) })),
        deliveries: { ...t, list: rounds, href: href('/api/rounds', rounds) },
        passes: { inFlight: { count: p.inFlight, ...passList(VERIFYING_STATUSES) }, overdue: { count: p.overdue, ...passList(['overdue']) } },
      };
    }),
    stock: stock.map((s) => {
      const dailyUse = s.used / STOCK_USE_DAYS;
      const list = { depotId: s.depotId, itemCode: s.itemCode };
      return {
        depotId: s.depotId, depotName: s.depotName, itemCode: s.itemCode, itemName: s.itemName, onHand: s.onHand, available: s.onHand - s.reserved,
        dailyUse, daysOfCover: dailyUse > 0 ? s.onHand / dailyUse : null, list, href: href('/api/stock/balances', list),
      };
    }),
    emergencies: (() => {
      const list = { from: sinceIso.slice(0, 10), to: now.toISOString().slice(0, 10), ...(query.areaId && communities.length === 1 ? { communityId: communities[0]!.id } : {}) };
      return { ...emergencies, list, href: href('/api/reports/emergencies', list) };
    })(),
  };
}
