/**
 * The fleet (issue #15, item 3): depots, vehicles and drivers as a district office keeps them, the
 * rules of their fields, and the keys an import matches them on (a vehicle by plate, a depot by
 * name, a driver by name and phone). One schema of the fields serves the JSON API (camelCase) and
 * the import (its columns map onto it).
 */
import { z } from 'zod';
import { isoDateTime } from './dates';
import { parseHhmm } from './gate-hours';
import { LOAD_DIMENSIONS } from './need-kinds';

/** What a vehicle can do: protective hand-over, cold chain, gas, wheelchair, an escort on board. */
// waste: a sealed truck and a crew trained to collect epidemic waste (waste rounds use only these, delivery rounds never).
export const VEHICLE_SKILLS = ['protective', 'cold_chain', 'gas_licence', 'wheelchair', 'escort', 'waste'] as const;
export type VehicleSkill = (typeof VEHICLE_SKILLS)[number];

/** Capacity per dimension: the routing loads (bags, kg, cylinders, litres) and passenger seats. */
export const CAPACITY_DIMENSIONS = [...LOAD_DIMENSIONS, 'seats'] as const;
export type CapacityDimension = (typeof CAPACITY_DIMENSIONS)[number];

/**
 * The key a plate is matched on: spacing, dots, dashes and middle dots dropped, A-Z upper-cased, so
 * "沪A·12345" and "沪a 12345" are one plate. The database computes the same (migration 0022).
 */
export function plateKey(plate: string): string {
  return plate.replace(/[\s.·-]+/g, '').replace(/[a-z]/g, (c) => c.toUpperCase());
}

/** The key a depot's or driver's name is matched on (runs of spacing one space, trimmed, A-Z lower-cased). */
export function nameKey(name: string): string {
  return name.replace(/[ \t\r\n]+/g, ' ').replace(/^ | $/g, '').replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** The key a driver's phone is matched on: digits and +. */
export const phoneKey = (phone: string | null): string => (phone ?? '').replace(/[^0-9+]/g, '');

/** What people read for a vehicle: its name and plate, "Van 1 (沪A·12345)"; the name alone before it has a plate. */
export function vehicleLabel(name: string, plate: string | null): string {
  return plate ? `${name} (${plate})` : name;
}

/** When a vehicle may be planned: [from, until), instants. */
export interface AvailabilityWindow {
  from: string;
  until: string;
}

const text = (max: number, description: string) => z.string().trim().min(1, 'required').max(max, `at most ${max} characters`).describe(description);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'a time of day as HH:MM (24 h)' });
const phone = z.string().trim().regex(/^\+?[0-9][0-9 -]{3,22}[0-9]$/, 'expected digits, optionally a leading + and spaces or dashes');
const count = (max: number) => z.number().int('expected a whole number').min(0, 'at least 0').max(max, `at most ${max}`);

export const depotFieldsShape = {
  name: text(120, 'Name of the depot; unique among active depots (imports match on it)'),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  opensAt: hhmm.nullable().describe('Opens at, HH:MM; null: any time'),
  closesAt: hhmm.nullable().describe('Closes at, HH:MM; null: any time'),
};

const openingOrder = (d: { opensAt?: string | null | undefined; closesAt?: string | null | undefined }) =>
  !d.opensAt || !d.closesAt || parseHhmm(d.closesAt)! > parseHhmm(d.opensAt)!;

export const createDepotSchema = z.strictObject({
  ...depotFieldsShape,
  opensAt: depotFieldsShape.opensAt.default(null),
  closesAt: depotFieldsShape.closesAt.default(null),
}).refine(openingOrder, { path: ['closesAt'], error: 'closesAt must be after opensAt' });
export type CreateDepotInput = z.output<typeof createDepotSchema>;

export const changeDepotSchema = z.strictObject({
  name: depotFieldsShape.name.optional(),
  lat: depotFieldsShape.lat.optional(),
  lon: depotFieldsShape.lon.optional(),
  opensAt: depotFieldsShape.opensAt.optional(),
  closesAt: depotFieldsShape.closesAt.optional(),
}).refine((c) => Object.keys(c).length > 0, { error: 'name at least one field to change' });
export type DepotChange = z.output<typeof changeDepotSchema>;

export const capacitySchema = z.strictObject(Object.fromEntries(CAPACITY_DIMENSIONS.map((d) => [d, count(100_000).optional()])) as Record<CapacityDimension, z.ZodOptional<ReturnType<typeof count>>>)
  .describe('Capacity per dimension (bags, kg, cylinders, litres, seats); a dimension left out does not limit the vehicle');
export type Capacity = z.output<typeof capacitySchema>;

export const availabilitySchema = z.array(z.strictObject({ from: isoDateTime(), until: isoDateTime() })
  .refine((w) => Date.parse(w.until) > Date.parse(w.from), { path: ['until'], error: 'until must be after from' }))
  .max(50, 'at most 50 windows')
  .describe('When the vehicle may be planned: a round takes it only when one window covers the whole shift from the round’s start; empty: always');

/** Licence classes as the licence prints them: B, C1, A2... */
export const licenceClassSchema = z.string().trim().regex(/^[A-Za-z][A-Za-z0-9]{0,3}$/, 'a licence class such as B or C1').transform((c) => c.toUpperCase());

export const vehicleFieldsShape = {
  plate: z.string().trim().min(2, 'at least 2 characters').max(20, 'at most 20 characters').describe('Number plate; unique among active vehicles (imports match on it)'),
  name: text(80, 'What the crew calls it, e.g. Van 1'),
  depotId: z.uuid().describe('Home depot'),
  capacity: capacitySchema,
  skills: z.array(z.enum(VEHICLE_SKILLS)).max(VEHICLE_SKILLS.length).refine((s) => new Set(s).size === s.length, { error: 'a skill given twice' }),
  maxTrips: z.number().int('expected a whole number').min(1, 'at least 1').max(12, 'at most 12').describe('Trips per shift'),
  reloadMinutes: z.number().int('expected a whole number').min(0, 'at least 0').max(480, 'at most 480').describe('Minutes at the depot between two trips'),
  availability: availabilitySchema,
  licenceClass: licenceClassSchema.nullable().describe('The licence class its driver must hold (issue #18, item 3), e.g. C1; null: any driver'),
};

export const createVehicleSchema = z.strictObject({
  ...vehicleFieldsShape,
  skills: vehicleFieldsShape.skills.default([]),
  maxTrips: vehicleFieldsShape.maxTrips.default(1),
  reloadMinutes: vehicleFieldsShape.reloadMinutes.default(20),
  availability: vehicleFieldsShape.availability.default([]),
  licenceClass: vehicleFieldsShape.licenceClass.default(null),
});
export type CreateVehicleInput = z.output<typeof createVehicleSchema>;

export const changeVehicleSchema = z.strictObject(Object.fromEntries(Object.entries(vehicleFieldsShape).map(([k, v]) => [k, v.optional()])) as {
  [K in keyof typeof vehicleFieldsShape]: z.ZodOptional<(typeof vehicleFieldsShape)[K]>
}).refine((c) => Object.keys(c).length > 0, { error: 'name at least one field to change' });
export type VehicleChange = z.output<typeof changeVehicleSchema>;

export const driverFieldsShape = {
  name: text(80, 'Name of the driver'),
  phone: phone.describe('Phone number; with the name, what imports match a driver on'),
  depotId: z.uuid().describe('Depot the driver works from'),
  licenceClasses: z.array(licenceClassSchema).max(12).describe('Licence classes, e.g. ["B", "C1"]'),
  skills: z.array(z.enum(VEHICLE_SKILLS)).max(VEHICLE_SKILLS.length).describe('What the driver is trained for (protective hand-over, escort...)'),
};

export const createDriverSchema = z.strictObject({
  ...driverFieldsShape,
  licenceClasses: driverFieldsShape.licenceClasses.default([]),
  skills: driverFieldsShape.skills.default([]),
});
export type CreateDriverInput = z.output<typeof createDriverSchema>;

export const changeDriverSchema = z.strictObject(Object.fromEntries(Object.entries(driverFieldsShape).map(([k, v]) => [k, v.optional()])) as {
  [K in keyof typeof driverFieldsShape]: z.ZodOptional<(typeof driverFieldsShape)[K]>
}).refine((c) => Object.keys(c).length > 0, { error: 'name at least one field to change' });
export type DriverChange = z.output<typeof changeDriverSchema>;

export interface Depot {
  id: string; name: string; lat: number; lon: number; opensAt: string | null; closesAt: string | null; active: boolean; updatedAt: Date;
}
export interface Vehicle {
  id: string; plate: string | null; name: string; depotId: string; capacity: Record<string, number>; skills: string[];
  maxTrips: number; reloadMinutes: number; availability: AvailabilityWindow[]; licenceClass: string | null; active: boolean; updatedAt: Date;
}
export interface Driver {
  id: string; name: string; phone: string | null; depotId: string; licenceClasses: string[]; skills: string[];
  /** The driver's account (set by an admin creating a driver account for this record), by username. */
  account: string | null;
  active: boolean; updatedAt: Date;
}
export type FleetKind = 'depot' | 'vehicle' | 'driver';
