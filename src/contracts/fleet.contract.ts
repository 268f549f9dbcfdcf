/**
 * HTTP shapes of the fleet (issue #15, item 3): depots, vehicles and drivers created, changed,
 * retired and listed, and each one's import. Bodies are the domain's strict schemas (src/domain/fleet.ts).
 */
import { z } from 'zod';
import {
  CAPACITY_DIMENSIONS, changeDepotSchema, changeDriverSchema, changeVehicleSchema, createDepotSchema, createDriverSchema, createVehicleSchema,
} from '../domain/fleet';
import { dryRunQuery, tableImportResult } from './table-import.contract';

export const createDepotBody = createDepotSchema.meta({ id: 'DepotInput', description: 'A new depot; its name is unique among active depots.' });
export const changeDepotBody = changeDepotSchema.meta({ id: 'DepotChange', description: 'The fields that change (at least one).' });
export const createVehicleBody = createVehicleSchema.meta({ id: 'VehicleInput', description: 'A new vehicle; its plate is unique among active vehicles.' });
export const changeVehicleBody = changeVehicleSchema.meta({ id: 'VehicleChange', description: 'The fields that change (at least one); capacity and availability are replaced whole.' });
export const createDriverBody = createDriverSchema.meta({ id: 'DriverInput', description: 'A new driver; name and phone together are unique among active drivers.' });
export const changeDriverBody = changeDriverSchema.meta({ id: 'DriverChange', description: 'The fields that change (at least one).' });

export const depotParams = z.strictObject({ depotId: z.uuid() });
export const vehicleParams = z.strictObject({ vehicleId: z.uuid() });
export const driverParams = z.strictObject({ driverId: z.uuid() });

const page = {
  includeRetired: z.enum(['true', 'false']).transform((v) => v === 'true').default(false).describe('true: retired records too'),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};
export const depotListQuery = z.strictObject(page);
export const fleetListQuery = z.strictObject({ ...page, depotId: z.uuid().optional().describe('Only those of this depot') });

const stamp = { active: z.boolean().describe('false: retired (kept for history, never planned)'), updatedAt: z.iso.datetime() };
export const depotView = z.object({
  id: z.uuid(), name: z.string(), lat: z.number(), lon: z.number(), opensAt: z.string().nullable(), closesAt: z.string().nullable(), ...stamp,
}).meta({ id: 'Depot' });
export const vehicleView = z.object({
  id: z.uuid(), plate: z.string().nullable(), name: z.string(),
  /** What people read: "Van 1 (沪A·12345)". */
  label: z.string(), depotId: z.uuid(),
  capacity: z.object(Object.fromEntries(CAPACITY_DIMENSIONS.map((d) => [d, z.number().optional()]))),
  skills: z.array(z.string()), maxTrips: z.int(), reloadMinutes: z.int(),
  availability: z.array(z.object({ from: z.string(), until: z.string() })),
  licenceClass: z.string().nullable().describe('The licence class its driver must hold; null: any'), ...stamp,
}).meta({ id: 'Vehicle' });
export const driverView = z.object({
  id: z.uuid(), name: z.string(), phone: z.string().nullable(), depotId: z.uuid(), licenceClasses: z.array(z.string()), skills: z.array(z.string()),
  account: z.string().nullable().describe('Username of the driver’s account, linked when an admin creates a driver account for this record'), ...stamp,
}).meta({ id: 'Driver' });
export type DepotView = z.infer<typeof depotView>;
export type VehicleView = z.infer<typeof vehicleView>;
export type DriverView = z.infer<typeof driverView>;

export const depotListResponse = z.object({ depots: z.array(depotView) });
export const vehicleListResponse = z.object({ vehicles: z.array(vehicleView) });
export const driverListResponse = z.object({ drivers: z.array(driverView) });

export const fleetImportQuery = dryRunQuery;
export const fleetImportResult = tableImportResult.meta({ id: 'FleetImportResult' });
export type FleetImportResult = z.infer<typeof fleetImportResult>;
