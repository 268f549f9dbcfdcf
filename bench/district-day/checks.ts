/**
 * The checks at the end of the district day, read from the database the service wrote: each one a
 * count that must be 0, so the bench fails loudly naming what broke.
 *
 * - needs: every need delivered, failed with a reason, cancelled, or waiting with the reason its
 *   last round left it unserved; none still planned or out for delivery (stuck), none in bags at two
 *   stops (planned twice); no round left planning;
 * - stock: per depot and item, the ledger's on-hand and reserved movements add up to the balance,
 *   neither negative, nothing reserved once every round is closed;
 * - passes: every one returned (or overdue, which the sweep alerts on);
 * - sockets: every client's scope followed in order, every gap filled by resume or a snapshot;
 * - processes: none ended but those killed on purpose.
 */
import { sql } from 'kysely';
import type { Db } from '../../src/store/db';
import { addChecks, type SocketGroup } from './live-clients';
import type { Service } from './service';

export type Checks = Record<string, number>;

const count = async (db: Db, query: ReturnType<typeof sql<{ n: string }>>) => Number((await query.execute(db)).rows[0]?.n ?? 0);

export async function needChecks(db: Db): Promise<{ checks: Checks; byStatus: Record<string, number> }> {
  const statuses = await sql<{ status: string; n: string }>`select status, count(*)::text as n from needs group by status`.execute(db);
  const byStatus = Object.fromEntries(statuses.rows.map((r) => [r.status, Number(r.n)]));
  // Waiting needs must carry their last round's reason (stock short, no vehicle, out of time...).
  const waitingWithoutReason = await count(db, sql<{ n: string }>`select count(*)::text as n from needs n where n.status in ('submitted', 'accepted')
    and not exists (select 1 from round_unserved u where u.need_id = n.id)`);
  const failedWithoutReason = await count(db, sql<{ n: string }>`select count(*)::text as n from needs where status = 'failed' and coalesce(failure_reason, '') = ''`);
  const stuck = await count(db, sql<{ n: string }>`select count(*)::text as n from needs where status in ('planned', 'out_for_delivery')`);
  const twice = await count(db, sql<{ n: string }>`select count(*)::text as n from (select b.need_id from round_bags b join rounds r on r.id = b.round_id
    where r.status <> 'failed' group by b.need_id having count(distinct b.stop_id) > 1) t`);
  const roundsPlanning = await count(db, sql<{ n: string }>`select count(*)::text as n from rounds where status in ('draft', 'planning')`);
  const checks = {
    needs_lost: waitingWithoutReason + failedWithoutReason,
    needs_waiting_without_reason: waitingWithoutReason,
    needs_failed_without_reason: failedWithoutReason,
    needs_stuck: stuck,
    needs_planned_twice: twice,
    rounds_left_planning: roundsPlanning,
  };
  return { checks, byStatus };
}

export async function stockChecks(db: Db): Promise<Checks> {
  const unbalanced = await count(db, sql<{ n: string }>`select count(*)::text as n from stock_balances b
    full join (select depot_id, item_code, sum(on_hand_delta) as on_hand, sum(reserved_delta) as reserved from stock_ledger group by depot_id, item_code) l
      on l.depot_id = b.depot_id and l.item_code = b.item_code
    where coalesce(b.on_hand, 0) <> coalesce(l.on_hand, 0) or coalesce(b.reserved, 0) <> coalesce(l.reserved, 0)`);
  const negative = await count(db, sql<{ n: string }>`select count(*)::text as n from stock_balances where on_hand < 0 or reserved < 0 or reserved > on_hand`);
  const openRounds = await count(db, sql<{ n: string }>`select count(*)::text as n from rounds where status not in ('completed', 'failed')`);
  const reserved = await count(db, sql<{ n: string }>`select coalesce(sum(reserved), 0)::text as n from stock_balances`);
  return { stock_unbalanced: unbalanced, stock_negative: negative, stock_reserved_after_close: openRounds === 0 ? reserved : 0, rounds_open_at_end: openRounds };
}

export async function passChecks(db: Db): Promise<Checks> {
  const open = await count(db, sql<{ n: string }>`select count(*)::text as n from passes where status not in ('returned', 'overdue')`);
  const overdue = await count(db, sql<{ n: string }>`select count(*)::text as n from passes where status = 'overdue'`);
  return { passes_not_back: open, passes_overdue: overdue };
}

export async function socketChecks(groups: SocketGroup[], report: (line: string) => void): Promise<Checks> {
  const all = (await Promise.all(groups.map((g) => g.check()))).reduce(addChecks);
  for (const line of all.detail) report(line);
  const f = all.figures;
  return { socket_events_missed: all.missed, socket_gaps_unresolved: all.unresolved + f.open, socket_held: f.held, socket_gaps: f.gaps, socket_resumed: f.resumed, socket_snapshots: f.snapshots, socket_reconnects: f.reconnects,
    socket_resumes_retried: f.retried,
  };
}

export function processChecks(service: Service, apiKills: number): Checks {
  return { processes_crashed: service.exits.filter((e) => !e.onPurpose).length + Math.max(0, service.apiDeaths() - apiKills) };
}

/** The checks that must be 0 for the day to pass. */
export const MUST_BE_ZERO = [
  'needs_lost', 'needs_stuck', 'needs_planned_twice', 'rounds_left_planning', 'stock_unbalanced', 'stock_negative', 'stock_reserved_after_close',
  'passes_not_back', 'socket_events_missed', 'socket_gaps_unresolved', 'processes_crashed',
] as const;
