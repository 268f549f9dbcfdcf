/** Row types of the planning-round tables (migrations 0003, 0004, 0010) as Kysely sees them. */
import type { ColumnType, Generated } from 'kysely';
import type { RoundKind, RoundStatus } from '../../domain/round';

type Json<T> = ColumnType<T, string, string>;
/** A jsonb column that may be null and is left out of inserts. */
type OptionalJson<T> = ColumnType<T | null, string | null | undefined, string | null>;
type Stamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface RoundsTable {
  id: Generated<string>;
  area_id: string;
  kind: RoundKind;
  status: RoundStatus;
  progress: Generated<number>;
  time_limit_ms: number;
  seed: Generated<number>;
  generation: Generated<number>;
  failure_reason: string | null;
  created_by: string;
  approved_by: string | null;
  /** The allocation's explanation per community and item (src/domain/allocation.ts RoundAllocation). */
  allocation: OptionalJson<unknown>;
  /** How set partitioning went at the merge (migration 0019; planning/adapters/round-merge.ts SetPartitioningNote). */
  merge_note: ColumnType<unknown, string | null | undefined, string | null>;
  /** The roster the round is planned and checked with (migration 0032, services/rounds/round-roster.ts RosterSnapshot); null: before rosters. */
  roster: OptionalJson<unknown>;
  created_at: Stamp;
  updated_at: Stamp;
}
export interface RoundSubproblemsTable {
  round_id: string;
  id: string;
  community_id: string | null;
  generation: Generated<number>;
  vehicle_ids: Json<string[]>;
  progress: Generated<number>;
  result: Json<unknown> | null;
  solved_at: Date | null;
}
export interface RoundNeedsTable {
  round_id: string;
  need_id: string;
  subproblem_id: string;
  /** What the allocation gave the need (items, substitutions, left-out optional parts); null: not stock. */
  items: OptionalJson<unknown>;
}
export interface RoundStockHoldsTable {
  round_id: string;
  item_code: string;
  quantity: number;
}

export type RoundTables = {
  rounds: RoundsTable;
  round_subproblems: RoundSubproblemsTable;
  round_needs: RoundNeedsTable;
  round_stock_holds: RoundStockHoldsTable;
};

export interface RoundTripsTable {
  round_id: string;
  id: string;
  vehicle_id: string;
  depot_id: string;
  /** Set at dispatch: the driver of the trip's vehicle (a driver's batch is one trip). */
  driver_id: string | null;
  trip_no: number;
  subproblem_id: string;
  distance_m: number;
  duration_s: number;
  /** Leaves the depot, seconds from the round's start (trip 2 of a van leaves once trip 1 is back and reloaded). */
  depart_s: Generated<number>;
  /** A waste trip's unload: the disposal site and when unloading starts (s from the round's start); null for deliveries. */
  unload_site_id: Generated<string | null>;
  unload_start_s: Generated<number | null>;
  /** The driver's "left the depot" report (issue #19): when, and by which account; null until reported. */
  departed_at: Generated<Date | null>;
  departed_by: Generated<string | null>;
}
export interface RoundStopsTable {
  id: Generated<string>;
  round_id: string;
  trip_id: string;
  seq: number;
  corridor_id: string;
  planned_start_s: number;
  status: Generated<'pending' | 'loaded' | 'delivered' | 'failed'>;
  urgent: Generated<boolean>;
  locked: Generated<boolean>;
}
export interface RoundBagsTable {
  round_id: string;
  bag_id: string;
  stop_id: string;
  need_id: string;
  item: string;
}
export interface RoundUnservedTable {
  round_id: string;
  need_id: string;
  reason: string;
  /** For `stock-short`: the items short and the depots tried (ids and codes, nothing medical). */
  detail: OptionalJson<unknown>;
}
export type PlanTables = RoundTables & {
  round_trips: RoundTripsTable;
  round_stops: RoundStopsTable;
  round_bags: RoundBagsTable;
  round_unserved: RoundUnservedTable;
};
