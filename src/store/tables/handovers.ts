/** Row types of vehicle handovers at a shift change (migration 0033). */
import type { ColumnType } from 'kysely';

type Stamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface VehicleHandoversTable {
  round_id: string;
  /** The incoming driver's first trip after the change. */
  trip_id: string;
  vehicle_id: string;
  from_driver_id: string;
  to_driver_id: string;
  /** The vehicle's state as handed over (domain/handover.ts VehicleState). */
  state: ColumnType<unknown, string, string>;
  note: string | null;
  handed_at: Stamp;
  handed_by: string | null;
  accepted_at: Stamp;
  accepted_by: string | null;
}

export interface HandoverTables {
  vehicle_handovers: VehicleHandoversTable;
}
