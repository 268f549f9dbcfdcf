/** Row types of the live event store (per-scope sequences, stored events) as Kysely sees them. */
import type { ColumnType } from 'kysely';

export type LiveScopeSeqTable = {
  scope: string;
  /** int8: read as a string (pg and PGlite both), written as a number. */
  seq: ColumnType<string, number, number>;
};

export type LiveEventsTable = {
  scope: string;
  seq: ColumnType<string, number, never>;
  event_id: string;
  type: string;
  payload: ColumnType<unknown, string, never>;
  created_at: ColumnType<Date, Date | string, never>;
};

/** Events staged in a transaction, numbered at its commit (migration 0042); only SQL touches it but pruning. */
export type LiveEventsStagedTable = {
  id: ColumnType<string, never, never>;
  txid: ColumnType<string, never, never>;
  scope: string;
  event_id: string;
  type: string;
  payload: ColumnType<unknown, string, never>;
  created_at: ColumnType<Date, Date | string, never>;
  seq: ColumnType<string | null, never, number>;
};

export type EventTables = {
  live_scope_seq: LiveScopeSeqTable;
  live_events: LiveEventsTable;
  live_events_staged: LiveEventsStagedTable;
};
