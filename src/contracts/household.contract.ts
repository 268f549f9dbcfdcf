/**
 * HTTP shapes of the household register (issue #15, item 2): create, change, list, and the import's
 * query and answer. Bodies are the domain's strict schemas (src/domain/household-register.ts).
 */
import { z } from 'zod';
import { INFECTION_STATUSES } from '../domain/household';
import { changeHouseholdSchema, createHouseholdSchema } from '../domain/household-register';
import { householdView } from './intake.contract';
import { dryRunQuery, tableImportResult } from './table-import.contract';

export const createHouseholdBody = createHouseholdSchema.meta({ id: 'HouseholdInput', description: 'A new household of the register; lat/lon default to its corridor’s.' });
export const changeHouseholdBody = changeHouseholdSchema.meta({ id: 'HouseholdChange', description: 'The fields that change (at least one); corridorId moves the household.' });

export const registerHouseholdView = householdView
  .extend({
    phone: z.string().nullable(),
    pregnant: z.boolean(),
    infant: z.boolean(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'RegisteredHousehold' });
export type RegisterHouseholdView = z.infer<typeof registerHouseholdView>;

export const changedHouseholdResponse = z.object({
  household: registerHouseholdView,
  /** Open needs of the household: the next plan reads the new infection status for each of them. */
  openNeeds: z.number().int(),
});

export const householdListQuery = z.strictObject({
  corridorId: z.uuid().optional(),
  communityId: z.uuid().optional(),
  infectionStatus: z.enum(INFECTION_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export const registerListResponse = z.object({ households: z.array(registerHouseholdView) });

export const householdImportQuery = dryRunQuery;

export const householdImportResult = tableImportResult
  .extend({
    /** Households whose infection status this file changes. */
    infectionStatusChanged: z.number().int(),
  })
  .meta({ id: 'HouseholdImportResult' });
export type HouseholdImportResult = z.infer<typeof householdImportResult>;
