/**
 * The household register (issue #15, item 2): what a community office keeps about a household,
 * the rules of its fields, and the address key a household is found by within its corridor.
 * One schema of the fields serves the JSON API (camelCase) and the import (its columns map onto it).
 */
import { z } from 'zod';
import { INFECTION_STATUSES, type Household } from './household';

/** A household as the register shows it: the planning fields plus phone and the two newer flags. */
export interface RegisteredHousehold extends Household {
  phone: string | null;
  pregnant: boolean;
  infant: boolean;
  updatedAt: Date;
}

/** Vulnerability flags of the register, in the order the import's columns list them. */
export const HOUSEHOLD_FLAGS = ['elderlyAlone', 'cannotCook', 'chronicIllness', 'pregnant', 'infant'] as const;
export type HouseholdFlag = (typeof HOUSEHOLD_FLAGS)[number];

export const ADDRESS_MAX = 200;

/**
 * The key a household is matched on within its corridor: runs of spaces, tabs and line breaks made
 * one space, trimmed, A-Z lower-cased (ASCII only). The database computes the same (migration 0020,
 * `households.address_key`); tests/integration/household-register.test.ts keeps the two in step.
 */
export function addressKey(address: string): string {
  return address.replace(/[ \t\r\n]+/g, ' ').replace(/^ | $/g, '').replace(/[A-Z]/g, (c) => c.toLowerCase());
}

const address = z.string().trim().min(1, 'required').max(ADDRESS_MAX, `at most ${ADDRESS_MAX} characters`).describe('Address down to the flat (building, unit, flat); unique within the corridor');
/** Digits with an optional leading +, spaces and dashes between: 5-24 characters. */
const phone = z.string().trim().regex(/^\+?[0-9][0-9 -]{3,22}[0-9]$/, 'expected digits, optionally a leading + and spaces or dashes').describe('Phone number of the household');
const flag = (description: string) => z.boolean().describe(description);

/** Every field of a household the register may set, all present (create fills defaults). */
export const householdFieldsShape = {
  address,
  members: z.number().int('expected a whole number').min(1, 'at least 1').max(30, 'at most 30'),
  elderlyAlone: flag('An elderly person living alone'),
  cannotCook: flag('Nobody in the household can cook'),
  chronicIllness: flag('Someone with a chronic illness'),
  pregnant: flag('Someone pregnant'),
  infant: flag('An infant (under 3)'),
  phone: phone.nullable(),
  infectionStatus: z.enum(INFECTION_STATUSES).describe('none (negative), close_contact or positive: the last two get protective hand-over'),
  lat: z.number().min(-90).max(90).describe('Default: the corridor’s coordinates'),
  lon: z.number().min(-180).max(180).describe('Default: the corridor’s coordinates'),
};

export const createHouseholdSchema = z.strictObject({
  corridorId: z.uuid(),
  address: householdFieldsShape.address,
  members: householdFieldsShape.members,
  elderlyAlone: householdFieldsShape.elderlyAlone.default(false),
  cannotCook: householdFieldsShape.cannotCook.default(false),
  chronicIllness: householdFieldsShape.chronicIllness.default(false),
  pregnant: householdFieldsShape.pregnant.default(false),
  infant: householdFieldsShape.infant.default(false),
  phone: householdFieldsShape.phone.default(null),
  infectionStatus: householdFieldsShape.infectionStatus.default('none'),
  lat: householdFieldsShape.lat.optional(),
  lon: householdFieldsShape.lon.optional(),
});
export type CreateHouseholdInput = z.output<typeof createHouseholdSchema>;

/** A change names only what changes; `corridorId` moves the household (within the caller's scope). */
export const changeHouseholdSchema = z
  .strictObject({
    corridorId: z.uuid().optional(),
    address: householdFieldsShape.address.optional(),
    members: householdFieldsShape.members.optional(),
    elderlyAlone: householdFieldsShape.elderlyAlone.optional(),
    cannotCook: householdFieldsShape.cannotCook.optional(),
    chronicIllness: householdFieldsShape.chronicIllness.optional(),
    pregnant: householdFieldsShape.pregnant.optional(),
    infant: householdFieldsShape.infant.optional(),
    phone: householdFieldsShape.phone.optional(),
    infectionStatus: householdFieldsShape.infectionStatus.optional(),
    lat: householdFieldsShape.lat.optional(),
    lon: householdFieldsShape.lon.optional(),
  })
  .refine((c) => Object.keys(c).length > 0, { error: 'name at least one field to change' });
export type HouseholdChange = z.output<typeof changeHouseholdSchema>;

/** The stored fields of a household, as create and import write them. */
export interface HouseholdFields {
  corridorId: string;
  communityId: string;
  address: string;
  members: number;
  elderlyAlone: boolean;
  cannotCook: boolean;
  chronicIllness: boolean;
  pregnant: boolean;
  infant: boolean;
  phone: string | null;
  infectionStatus: Household['infectionStatus'];
  lat: number;
  lon: number;
}
