/**
 * What a household can ask for, the details each kind carries, and what makes two requests
 * "the same need" (identity), so duplicates are merged instead of served twice.
 */
import { z } from 'zod';
import { URGENCIES, type Urgency } from './kinds';
import { cycleSchema, NEED_KIND_SPECS, NEED_KINDS, needKindSpec, type NeedKind, type NeedKindSpecs } from './need-kinds';
import type { NeedStatus } from './need-status';

export { cycleSchema, NEED_KINDS, URGENCIES, type NeedKind, type Urgency };

/** Each kind's details schema (need-kinds.ts). */
export const detailSchemas = Object.fromEntries(NEED_KINDS.map((k) => [k, NEED_KIND_SPECS[k].details])) as { [K in NeedKind]: NeedKindSpecs[K]['details'] };

export type NeedDetails<K extends NeedKind = NeedKind> = z.output<(typeof detailSchemas)[K]>;

/**
 * What a submission repeating an open need of the household means: by default the household is
 * asking again, not asking for more (`keep_larger`: the larger quantity stands; a client retrying
 * without an Idempotency-Key can't multiply a delivery); `add` says it asks for more on top.
 */
export const DUPLICATE_RULES = ['keep_larger', 'add'] as const;
export type DuplicateRule = (typeof DUPLICATE_RULES)[number];
const onDuplicate = z
  .enum(DUPLICATE_RULES)
  .default('keep_larger')
  .describe('When an identical open need exists: keep_larger (default) keeps the larger quantity; add adds this quantity to it. Either way the kind’s maximum applies.');

const variant = <K extends NeedKind>(kind: K) => z.strictObject({ kind: z.literal(kind), details: detailSchemas[kind], onDuplicate });

/** One need as submitted: a kind and its details (discriminated by kind). */
export const needInputSchema = z.discriminatedUnion('kind', [
  variant('food_package'),
  variant('medicine'),
  variant('boxed_meal'),
  variant('gas'),
  variant('rice'),
  variant('oil'),
  variant('waste_pickup'),
  variant('medical_pass'),
]);
export type NeedInput = z.output<typeof needInputSchema>;
// The union above lists its variants by hand (so each keeps its own details type): a kind missing
// from it fails to compile here.
const everyKindSubmittable: [Exclude<NeedKind, NeedInput['kind']>] extends [never] ? true : never = true;
void everyKindSubmittable;

/** A need input whose food_package names its cycle (intake fills in the current one when absent). */
export type ResolvedNeedInput =
  | Exclude<NeedInput, { kind: 'food_package' }>
  | { kind: 'food_package'; details: NeedDetails<'food_package'> & { cycle: string }; onDuplicate: DuplicateRule };

/** A need as stored (plain data). `details` is the kind's details plus derived fields (a food package's `cycle`). */
export interface Need {
  id: string;
  /** Null for a corridor's need (a waste pickup): it belongs to the stairwell, not to one household. */
  householdId: string | null;
  corridorId: string;
  communityId: string;
  kind: NeedKind;
  details: Record<string, unknown>;
  status: NeedStatus;
  urgency: Urgency;
  priority: number;
  cycle: string | null;
  failureReason: string | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A need of one household: every kind whose subject is the household (intake makes only these). */
export type HouseholdNeed = Need & { householdId: string };

export interface StatusChange {
  from: NeedStatus | null;
  to: NeedStatus;
  note: string | null;
  actor: string;
  at: Date;
}

/** Two open needs of one household with the same kind and identity are the same need. */
export function identityOf(input: ResolvedNeedInput): string {
  return (needKindSpec(input.kind).identity as (d: unknown) => string)(input.details);
}

/** Whether a kind has detail fields only some roles may read (need-kinds.ts, medicalFields). */
export function hasMedicalDetails(kind: NeedKind): boolean {
  return needKindSpec(kind).medicalFields.length > 0;
}

/** The details with medical fields removed (quantities, dates and handling flags stay: planning needs them). */
export function withoutMedicalDetails(kind: NeedKind, details: Record<string, unknown>): Record<string, unknown> {
  const hidden = needKindSpec(kind).medicalFields;
  if (hidden.length === 0) return details;
  return Object.fromEntries(Object.entries(details).filter(([k]) => !hidden.includes(k)));
}
