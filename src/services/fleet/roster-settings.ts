/** The driver limits from the DRIVER_* settings (config/config.ts), for the roster and new rounds. */
import type { DriverLimits } from '../../domain/shifts';

export interface DriverLimitSettings {
  DRIVER_MAX_DRIVING_MIN: number; DRIVER_MAX_CONTINUOUS_MIN: number; DRIVER_MIN_BREAK_MIN: number; DRIVER_MAX_DUTY_MIN: number; DRIVER_MIN_REST_MIN: number;
}

export const driverLimitsOf = (c: DriverLimitSettings): DriverLimits => ({
  maxDrivingMin: c.DRIVER_MAX_DRIVING_MIN, maxContinuousMin: c.DRIVER_MAX_CONTINUOUS_MIN, minBreakMin: c.DRIVER_MIN_BREAK_MIN,
  maxDutyMin: c.DRIVER_MAX_DUTY_MIN, minRestMin: c.DRIVER_MIN_REST_MIN,
});
