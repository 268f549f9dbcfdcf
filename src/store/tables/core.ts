/** Row types of the core tables (migration 0001: the grid, households, needs, fleet, outbox) as Kysely sees them. */
import type { NeedKind, Urgency } from '../../domain/kinds';
import type { NeedStatus } from '../../domain/need-status';
import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
/** jsonb: read as parsed JSON, written as a JSON string (so arrays are not sent as Postgres arrays). */
type Json<T> = ColumnType<T, string, string>;

export interface AreasTable {
  id: Generated<string>;
  kind: 'district' | 'street' | 'community' | 'building' | 'corridor';
  parent_id: string | null;
  community_id: string | null;
  name: string;
  /** Configured codes (src/domain/risk-map.ts); the checks went with migration 0024. */
  control_status: Generated<string>;
  risk_colour: Generated<string>;
  lat: number | null;
  lon: number | null;
  /** Corridor gates only: receiving hours, minutes from midnight; null: any time (migration 0016). */
  receiving_from_min: Generated<number | null>;
  receiving_until_min: Generated<number | null>;
  /** The grid API (migration 0021): retired, never deleted; a GeoJSON Polygon/MultiPolygon outline; the name key imports match on. */
  retired_at: Generated<Date | null>;
  outline: ColumnType<unknown, string | null | undefined, string | null>;
  updated_at: UpdatedAt;
  name_key: ColumnType<string, never, never>;
  created_at: CreatedAt;
}

export interface HouseholdsTable {
  id: Generated<string>;
  corridor_id: string;
  community_id: string;
  address: string;
  members: number;
  elderly_alone: Generated<boolean>;
  cannot_cook: Generated<boolean>;
  chronic_illness: Generated<boolean>;
  infection_status: Generated<'none' | 'close_contact' | 'positive'>;
  lat: number;
  lon: number;
  /** The register (migration 0020): phone, two more flags, and the generated address key imports match on. */
  phone: Generated<string | null>;
  pregnant: Generated<boolean>;
  infant: Generated<boolean>;
  address_key: ColumnType<string, never, never>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CoordinatorAssignmentsTable {
  user_id: string;
  corridor_id: string;
  assigned_at: CreatedAt;
}

export interface DepotsTable {
  id: Generated<string>;
  name: string;
  lat: number;
  lon: number;
  created_at: CreatedAt;
  /** The fleet (migration 0022): retired, never deleted; opening hours in minutes from midnight (null: any time). */
  active: Generated<boolean>;
  opening_from_min: Generated<number | null>;
  opening_until_min: Generated<number | null>;
  name_key: ColumnType<string, never, never>;
  updated_at: UpdatedAt;
}

export interface DepotStockTable {
  depot_id: string;
  item: string;
  quantity: number;
  updated_at: UpdatedAt;
}

export interface VehiclesTable {
  id: Generated<string>;
  depot_id: string;
  name: string;
  capacity: Json<Record<string, number>>;
  skills: Generated<string[]>;
  active: Generated<boolean>;
  /** Trips per shift (reloading at the depot between them). Default 1. */
  max_trips: Generated<number>;
  /** Minutes at the depot between two trips. Default 20. */
  reload_minutes: Generated<number>;
  created_at: CreatedAt;
  /** The fleet (migration 0022): plate (null on vehicles from before it), its match key, availability windows [{from, until}]. */
  plate: Generated<string | null>;
  plate_key: ColumnType<string | null, never, never>;
  availability: ColumnType<{ from: string; until: string }[], string | undefined, string>;
  updated_at: UpdatedAt;
  /** The licence class its driver must hold (migration 0032); null: any driver. */
  licence_class: Generated<string | null>;
}

export interface DriversTable {
  id: Generated<string>;
  depot_id: string;
  name: string;
  user_id: string | null;
  skills: Generated<string[]>;
  active: Generated<boolean>;
  created_at: CreatedAt;
  /** The fleet (migration 0022): phone, licence classes, and the keys imports match a driver on. */
  phone: Generated<string | null>;
  licence_classes: Generated<string[]>;
  name_key: ColumnType<string, never, never>;
  phone_key: ColumnType<string, never, never>;
  updated_at: UpdatedAt;
}

export interface NeedsTable {
  id: Generated<string>;
  /** Null exactly for a corridor's need (a waste pickup, migration 0028). */
  household_id: string | null;
  corridor_id: string;
  community_id: string;
  kind: NeedKind;
  identity_key: string;
  details: Json<Record<string, unknown>>;
  status: NeedStatus;
  urgency: Generated<Urgency>;
  priority: Generated<number>;
  cycle: string | null;
  failure_reason: string | null;
  created_by: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface NeedStatusHistoryTable {
  id: Generated<string>;
  need_id: string;
  from_status: string | null;
  to_status: string;
  note: string | null;
  actor: string;
  at: CreatedAt;
}

export interface IdempotencyKeysTable {
  actor: string;
  key: string;
  request_hash: string;
  status_code: number | null;
  response: Json<unknown> | null;
  created_at: CreatedAt;
}

export interface OutboxTable {
  id: Generated<string>;
  topic: string;
  payload: Json<Record<string, unknown>>;
  created_at: CreatedAt;
  published_at: Date | null;
}

/** An area's risk map history (migration 0024): who changed what, when, from, to and why. Never updated or deleted. */
export interface AreaRiskChangesTable {
  id: Generated<string>;
  area_id: string;
  changed_at: CreatedAt;
  actor_id: string | null;
  actor_role: string | null;
  from_control_status: string;
  to_control_status: string;
  from_risk_colour: string;
  to_risk_colour: string;
  reason: string;
  request_id: string | null;
}

export interface CoreTables {
  areas: AreasTable;
  households: HouseholdsTable;
  coordinator_assignments: CoordinatorAssignmentsTable;
  depots: DepotsTable;
  depot_stock: DepotStockTable;
  vehicles: VehiclesTable;
  drivers: DriversTable;
  needs: NeedsTable;
  need_status_history: NeedStatusHistoryTable;
  idempotency_keys: IdempotencyKeysTable;
  outbox: OutboxTable;
  area_risk_changes: AreaRiskChangesTable;
}
