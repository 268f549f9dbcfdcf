/**
 * Every migration, imported statically so they work under tsx, vitest and bundlers alike.
 * Add a new one as `NNNN_name.ts` exporting `up`/`down` and list it here; names sort in order.
 */
import type { Migration } from 'kysely';
import * as m0001 from './0001_core';
import * as m0002 from './0002_accounts';
import * as m0003 from './0003_rounds';
import * as m0004 from './0004_events';
import * as m0005 from './0005_stock';
import * as m0006 from './0006_passes';
import * as m0007 from './0007_idempotency_retention';
import * as m0008 from './0008_stop_handoff';
import * as m0009 from './0009_need_status_live';
import * as m0010 from './0010_vehicle_trips';
import * as m0011 from './0011_food_entitlements';
import * as m0012 from './0012_medicine_bag_returns';
import * as m0013 from './0013_account_hygiene';
import * as m0014 from './0014_change_notify';
import * as m0015 from './0015_round_allocation';
import * as m0016 from './0016_gate_hours';
import * as m0018 from './0018_food_package_once';
import * as m0019 from './0019_round_merge_note';
import * as m0020 from './0020_household_register';
import * as m0021 from './0021_grid_admin';
import * as m0022 from './0022_fleet';
import * as m0023 from './0023_signup_codes';
import * as m0024 from './0024_risk_map';
import * as m0025 from './0025_webhooks';
import * as m0026 from './0026_gate_checkoffs';
import * as m0027 from './0027_notices';
import * as m0028 from './0028_waste_collection';
import * as m0029 from './0029_waste_schedules';
import * as m0030 from './0030_waste_custody';
import * as m0031 from './0031_trip_departure';
import * as m0032 from './0032_driver_shifts';
import * as m0033 from './0033_vehicle_handovers';
import * as m0034 from './0034_standing_roster';
import * as m0035 from './0035_need_status_lanes';
import * as m0036 from './0036_need_status_live_need';
import * as m0037 from './0037_round_needs_subproblem';
import * as m0038 from './0038_needs_waiting_emergency';
import * as m0039 from './0039_need_status_notify_bounded';
import * as m0040 from './0040_coordinator_assignment_lookups';
import * as m0041 from './0041_driver_account_lookup';
import * as m0042 from './0042_live_event_staging';
import * as m0043 from './0043_live_numbering_without_joins';
import * as m0044 from './0044_round_open_stops';

export const migrations: Record<string, Migration> = {
  '0001_core': m0001,
  '0002_accounts': m0002,
  '0003_rounds': m0003,
  '0004_events': m0004,
  '0005_stock': m0005,
  '0006_passes': m0006,
  '0007_idempotency_retention': m0007,
  '0008_stop_handoff': m0008,
  '0009_need_status_live': m0009,
  '0010_vehicle_trips': m0010,
  '0011_food_entitlements': m0011,
  '0012_medicine_bag_returns': m0012,
  '0013_account_hygiene': m0013,
  '0014_change_notify': m0014,
  '0015_round_allocation': m0015,
  '0016_gate_hours': m0016,
  '0018_food_package_once': m0018,
  '0019_round_merge_note': m0019,
  '0020_household_register': m0020,
  '0021_grid_admin': m0021,
  '0022_fleet': m0022,
  '0023_signup_codes': m0023,
  '0024_risk_map': m0024,
  '0025_webhooks': m0025,
  '0026_gate_checkoffs': m0026,
  '0027_notices': m0027,
  '0028_waste_collection': m0028,
  '0029_waste_schedules': m0029,
  '0030_waste_custody': m0030,
  '0031_trip_departure': m0031,
  '0032_driver_shifts': m0032,
  '0033_vehicle_handovers': m0033,
  '0034_standing_roster': m0034,
  '0035_need_status_lanes': m0035,
  '0036_need_status_live_need': m0036,
  '0037_round_needs_subproblem': m0037,
  '0038_needs_waiting_emergency': m0038,
  '0039_need_status_notify_bounded': m0039,
  '0040_coordinator_assignment_lookups': m0040,
  '0041_driver_account_lookup': m0041,
  '0042_live_event_staging': m0042,
  '0043_live_numbering_without_joins': m0043,
  '0044_round_open_stops': m0044,
};
