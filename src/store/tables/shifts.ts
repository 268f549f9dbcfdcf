/** Row types of driver shifts (migration 0032): a depot's shift templates and the roster. */
import type { ColumnType, Generated } from 'kysely';

type Stamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface ShiftTemplatesTable {
  id: Generated<string>;
  depot_id: string;
  name: string;
  /** Local start, minutes from midnight (read in `time_zone`). */
  start_min: number;
  length_min: number;
  time_zone: string;
  active: Generated<boolean>;
  created_at: Stamp;
  updated_at: Stamp;
}

export interface DriverShiftsTable {
  id: Generated<string>;
  driver_id: string;
  template_id: string;
  depot_id: string;
  /** The local date the shift starts on. */
  shift_date: ColumnType<string, string, string>;
  starts_at: ColumnType<Date, Date | string, Date | string>;
  ends_at: ColumnType<Date, Date | string, Date | string>;
  vehicle_id: string | null;
  created_by: string;
  created_at: Stamp;
}

/** A standing roster entry (migration 0034): the driver on the template every day from `from_date` on, until removed. */
export interface DriverShiftPatternsTable {
  id: Generated<string>;
  driver_id: string;
  template_id: string;
  depot_id: string;
  from_date: ColumnType<string, string, string>;
  vehicle_id: string | null;
  created_by: string;
  created_at: Stamp;
}

export interface ShiftTables {
  shift_templates: ShiftTemplatesTable;
  driver_shifts: DriverShiftsTable;
  driver_shift_patterns: DriverShiftPatternsTable;
}
