/** Drivers on shift (issue #18, item 3): who may drive when, who drives each trip, and the rules a plan keeps. */
export type { Duty, TripToDrive, DrivingLimits, DriverAssignment, Undriven } from './shift.types';
export { limitsInSeconds } from './shift.types';
export { assignDrivers } from './driver.assign';
export { checkDrivers, driverLoadBreaks, type DriverViolation } from './driver.check';
export { vehicleHours, type VehicleHours } from './vehicle-hours';
export { rosterBreak, type RosterShift, type RosterBreak } from './roster.rules';
