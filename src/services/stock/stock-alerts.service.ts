/**
 * Stock alerts: items below their depot minimum (or out), and lots expired or expiring within N days.
 * A query for the dispatch desk, and, when a live publisher is wired, `stock.alert` events to the
 * dispatch scope (codes and counts only, as the event schema demands).
 */
import { scope } from '../../contracts/events';
import { daysBetween, minimumLevel, type AlertLevel } from '../../domain/stock';
import type { Clock } from '../../shared/clock';

import { listBalances, lotsExpiringBy } from '../../store/stock-read.repository';
import { keyOf, type StockKey } from '../../store/stock.repository';
import type { LivePublisher } from '../live-status/live.service';
import type { Db } from '../../store/db';

/** What the stock services need of the live publisher. */
export type StockAlertPublisher = Pick<LivePublisher, 'publish'>;

export interface MinimumAlert {
  kind: 'below_minimum';
  depotId: string;
  itemCode: string;
  available: number;
  minimum: number;
  level: AlertLevel;
}

export interface ExpiryAlert {
  kind: 'expiring' | 'expired';
  depotId: string;
  itemCode: string;
  lotId: string;
  expiresOn: string;
  quantity: number;
  daysLeft: number;
}

export type StockAlert = MinimumAlert | ExpiryAlert;

export async function stockAlerts(deps: { db: Db; clock: Clock }, options: { withinDays: number; depotId?: string | undefined }): Promise<StockAlert[]> {
  const db = deps.db;
  const today = deps.clock.now().toISOString().slice(0, 10);
  const until = new Date(Date.parse(`${today}T00:00:00Z`) + options.withinDays * 86_400_000).toISOString().slice(0, 10);
  const out: StockAlert[] = [];
  for (const b of await listBalances(db, { depotId: options.depotId })) {
    const level = b.minimum === null ? null : minimumLevel(b.available, b.minimum);
    if (level && b.minimum !== null) out.push({ kind: 'below_minimum', depotId: b.depotId, itemCode: b.itemCode, available: b.available, minimum: b.minimum, level });
  }
  for (const lot of await lotsExpiringBy(db, until)) {
    if (options.depotId && lot.depotId !== options.depotId) continue;
    const daysLeft = daysBetween(today, lot.expiresOn);
    out.push({ kind: daysLeft < 0 ? 'expired' : 'expiring', ...lot, daysLeft });
  }
  return out;
}

/** Publishes a `stock.alert` for each touched (depot, item) now below its minimum. Never throws: the movement is done. */
export async function publishMinimumAlerts(deps: { db: Db; publisher: StockAlertPublisher }, touched: readonly StockKey[]): Promise<number> {
  if (touched.length === 0) return 0;
  const wanted = new Set(touched.map(keyOf));
  let sent = 0;
  try {
    const depots = [...new Set(touched.map((t) => t.depotId))];
    for (const depotId of depots) {
      for (const b of await listBalances(deps.db, { depotId })) {
        if (!wanted.has(keyOf(b)) || b.minimum === null) continue;
        const level = minimumLevel(b.available, b.minimum);
        if (!level) continue;
        await deps.publisher.publish([scope.dispatch], {
          type: 'stock.alert', depotId: b.depotId, itemCode: b.itemCode, available: Math.max(0, b.available), threshold: b.minimum, level,
        });
        sent++;
      }
    }
  } catch {
    // Alerts are advisory and the query above still shows them: a publisher fault must not undo a stock movement.
  }
  return sent;
}
