/** Reads for the depot desk: balances with their minimums, and the stock ledger page by page. */
import { listBalances, listLedger, type BalanceRow, type LedgerFilter, type LedgerRow } from '../../store/stock-read.repository';
import type { Db } from '../../store/db';

/** Balances per depot and item (those with a minimum too), optionally of one depot or item. */
export function stockBalances(deps: { db: Db }, filter: { depotId?: string | undefined; itemCode?: string | undefined }): Promise<BalanceRow[]> {
  return listBalances(deps.db, filter);
}

/** One page of ledger rows by id, and the id to read after for the next page (null: this was the last). */
export async function ledgerPage(deps: { db: Db }, filter: LedgerFilter): Promise<{ entries: LedgerRow[]; nextAfterId: string | null }> {
  const rows = await listLedger(deps.db, filter);
  return { entries: rows, nextAfterId: rows.length === filter.limit ? rows[rows.length - 1]?.id ?? null : null };
}
