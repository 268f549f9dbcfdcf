/** Row types of the medical pass, passenger transport and emergency tables as Kysely sees them. */
import type { ColumnType, Generated } from 'kysely';
import type { EmergencyKind, EmergencyStatus, ReviewOutcome } from '../../domain/emergency';
import type { PassStatus } from '../../domain/pass-status';

type Ts = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface HospitalsTable {
  id: Generated<string>;
  name: string;
  lat: number;
  lon: number;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface PassesTable {
  id: Generated<string>;
  household_id: string;
  corridor_id: string;
  community_id: string;
  person: string;
  hospital_id: string;
  reason: string;
  appointment_at: Ts;
  visit_ends_at: Ts;
  needs_escort: boolean;
  needs_wheelchair: boolean;
  status: PassStatus;
  refusal_reason: string | null;
  valid_from: Ts | null;
  valid_until: Ts | null;
  code: string | null;
  driver_id: string | null;
  need_id: string | null;
  created_by: string;
  created_at: Ts;
  updated_at: Ts;
}

export interface PassStatusHistoryTable {
  id: Generated<string>;
  pass_id: string;
  community_id: string;
  from_status: PassStatus | null;
  to_status: PassStatus;
  note: string | null;
  actor: string;
  at: Ts;
}

export type PassTables = {
  hospitals: HospitalsTable;
  passes: PassesTable;
  pass_status_history: PassStatusHistoryTable;
};

export interface StoredStop { requestId: string; type: 'pickup' | 'drop'; at: string }

export interface TransportTripsTable {
  id: Generated<string>;
  vehicle_id: string;
  driver_id: string | null;
  status: Generated<'planned' | 'in_progress' | 'done' | 'cancelled'>;
  starts_at: Ts;
  ends_at: Ts;
  start_lat: number;
  start_lon: number;
  stops: Json<StoredStop[]>;
  locked_stops: Generated<number>;
  distance_m: number;
  emergency: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Ts;
}

export type RequestStatus = 'pending' | 'assigned' | 'done' | 'unserved' | 'cancelled';

export interface TransportRequestsTable {
  id: Generated<string>;
  pass_id: string | null;
  emergency_id: string | null;
  leg: 'outbound' | 'return' | 'emergency';
  household_id: string;
  community_id: string;
  pickup_lat: number;
  pickup_lon: number;
  drop_lat: number;
  drop_lon: number;
  earliest_pickup: Ts;
  latest_drop: Ts;
  seats: number;
  wheelchair: boolean;
  escort: boolean;
  isolated: boolean;
  goods: boolean;
  urgent: boolean;
  status: Generated<RequestStatus>;
  unserved_reason: string | null;
  trip_id: string | null;
  created_at: Generated<Date>;
}

export type TransportTables = { transport_trips: TransportTripsTable; transport_requests: TransportRequestsTable };

export interface EmergencyCasesTable {
  id: Generated<string>;
  household_id: string;
  corridor_id: string;
  community_id: string;
  kind: EmergencyKind;
  status: EmergencyStatus;
  need_id: string | null;
  hospital_id: string | null;
  trip_ref: string | null;
  driver_id: string | null;
  unserved_reason: string | null;
  accepted_at: Ts;
  trip_assigned_at: Ts | null;
  done_at: Ts | null;
  created_by: string;
  review_status: Generated<'open' | 'closed'>;
  review_outcome: ReviewOutcome | null;
  reviewed_by: string | null;
  reviewed_at: Ts | null;
}

export type EmergencyTables = { emergency_cases: EmergencyCasesTable };
