/**
 * What an operator's gauges read from the database at scrape time (services/ops/ops-gauges.service.ts):
 * one round trip, each part on an index or a small table (the relays' backlogs are short when healthy).
 */
import { sql } from 'kysely';
import type { Db } from './db';

export interface OpsGaugeRow {
  outboxLagS: number;
  needStatusLagS: number;
  /** The bulk lane's (a cycle's entitlements, a round's plan or dispatch): minutes behind at a cycle's start is normal. */
  needStatusBulkLagS: number;
  planningStalledS: number;
  passesOverdue: number;
}

export async function readOpsGauges(db: Db): Promise<OpsGaugeRow> {
  const res = await sql<{ outbox: number | null; need_status: number | null; need_status_bulk: number | null; stalled: number | null; overdue: string }>`
    select
      (select extract(epoch from now() - min(created_at))::float8 from outbox where published_at is null) as outbox,
      (select extract(epoch from now() - min(h.at))::float8 from need_status_live l join need_status_history h on h.id = l.history_id where not l.bulk) as need_status,
      (select extract(epoch from now() - min(h.at))::float8 from need_status_live l join need_status_history h on h.id = l.history_id where l.bulk) as need_status_bulk,
      (select extract(epoch from now() - min(updated_at))::float8 from rounds where status = 'planning') as stalled,
      (select count(*) from passes where status = 'overdue') as overdue`.execute(db);
  const row = res.rows[0];
  const age = (s: number | null | undefined): number => Math.max(0, Number(s ?? 0));
  return { outboxLagS: age(row?.outbox), needStatusLagS: age(row?.need_status), needStatusBulkLagS: age(row?.need_status_bulk), planningStalledS: age(row?.stalled), passesOverdue: Number(row?.overdue ?? 0) };
}

/** (depot, item) pairs whose available stock (on hand less reserved) is below the depot's minimum, counted by item. */
export async function countBelowMinimum(db: Db): Promise<Record<string, number>> {
  const res = await sql<{ item_code: string; n: string }>`
    select m.item_code, count(*) as n
    from stock_minimums m
    left join stock_balances b on b.depot_id = m.depot_id and b.item_code = m.item_code
    where coalesce(b.on_hand, 0) - coalesce(b.reserved, 0) < m.minimum
    group by m.item_code`.execute(db);
  return Object.fromEntries(res.rows.map((r) => [r.item_code, Number(r.n)]));
}
