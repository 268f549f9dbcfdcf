/**
 * What a household can ask for, the details each kind carries, and what makes two requests
 * "the same need" (identity), so duplicates are merged instead of served twice.
 */
import { z } from 'zod';
import { isoDate, isoDateTime } from './dates';
import type { NeedStatus } from './need-status';

export const NEED_KINDS = ['food_package', 'medicine', 'boxed_meal', 'gas', 'rice', 'oil', 'medical_pass'] as const;
export type NeedKind = (typeof NEED_KINDS)[number];

export const URGENCIES = ['routine', 'today', 'emergency'] as const;
export type Urgency = (typeof URGENCIES)[number];

const notes = z.string().trim().max(500).optional();
const text = (max: number) => z.string().trim().min(1).max(max);

/**
 * The food cycle a food_package is for (see food-cycle.ts): absent means the current cycle. Which
 * ids are taken depends on the date and the configured cycle length, so intake checks them
 * (`prepareNeed`: the current cycle or the next), not this schema.
 */
export const cycleSchema = z
  .string()
  .trim()
  .max(32)
  .optional()
  .describe('Food cycle id, e.g. 2026-11-21/P3D (an ISO week such as 2026-W48 when cycles are 7 days). Absent: the current cycle. Only the current and the next cycle are accepted (GET /api/food-cycle names them).');

export const detailSchemas = {
  food_package: z.strictObject({ cycle: cycleSchema, notes }),
  medicine: z.strictObject({
    drug: text(120),
    strength: text(60),
    quantity: z.number().int().min(1).max(1000),
    prescriptionRef: text(80).optional(),
    urgency: z.enum(URGENCIES).default('routine'),
    notes,
  }),
  boxed_meal: z.strictObject({ date: isoDate(), meals: z.number().int().min(1).max(60), notes }),
  gas: z.strictObject({ cylinders: z.number().int().min(1).max(4), notes }),
  rice: z.strictObject({ kg: z.number().int().min(1).max(100), notes }),
  oil: z.strictObject({ litres: z.number().int().min(1).max(20), notes }),
  medical_pass: z.strictObject({
    reason: text(500),
    hospital: text(160),
    appointmentAt: isoDateTime(),
    needsEscort: z.boolean().default(false),
    needsWheelchair: z.boolean().default(false),
    notes,
  }),
} as const;

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
  variant('medical_pass'),
]);
export type NeedInput = z.output<typeof needInputSchema>;

/** A need input whose food_package names its cycle (intake fills in the current one when absent). */
export type ResolvedNeedInput =
  | Exclude<NeedInput, { kind: 'food_package' }>
  | { kind: 'food_package'; details: NeedDetails<'food_package'> & { cycle: string }; onDuplicate: DuplicateRule };

/** A need as stored (plain data). `details` is the kind's details plus derived fields such as `packages`. */
export interface Need {
  id: string;
  householdId: string;
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

export interface StatusChange {
  from: NeedStatus | null;
  to: NeedStatus;
  note: string | null;
  actor: string;
  at: Date;
}

const norm = (s: string): string => s.trim().toLowerCase().replace(/\s+/g, ' ');

/** Two open needs of one household with the same kind and identity are the same need. */
export function identityOf(input: ResolvedNeedInput): string {
  switch (input.kind) {
    case 'food_package':
      // The cycle id, as food entitlement generation writes it: a household's own submission and its
      // entitlement for one cycle are the same need.
      return input.details.cycle;
    case 'medicine':
      return `${norm(input.details.drug)}|${norm(input.details.strength)}`;
    case 'boxed_meal':
      return input.details.date;
    case 'gas':
    case 'rice':
    case 'oil':
      return input.kind;
    case 'medical_pass':
      return `${norm(input.details.hospital)}|${new Date(input.details.appointmentAt).toISOString()}`;
    default: {
      const unreachable: never = input;
      return unreachable;
    }
  }
}

/** Detail fields that are medical: shown only to roles allowed to read them (and each read audited). */
const MEDICAL_FIELDS: Partial<Record<NeedKind, readonly string[]>> = {
  medicine: ['drug', 'strength', 'prescriptionRef', 'notes'],
  medical_pass: ['reason', 'hospital', 'notes'],
};

export function hasMedicalDetails(kind: NeedKind): boolean {
  return MEDICAL_FIELDS[kind] !== undefined;
}

/** The details with medical fields removed (quantities, dates and handling flags stay: planning needs them). */
export function withoutMedicalDetails(kind: NeedKind, details: Record<string, unknown>): Record<string, unknown> {
  const hidden = MEDICAL_FIELDS[kind];
  if (!hidden) return details;
  return Object.fromEntries(Object.entries(details).filter(([k]) => !hidden.includes(k)));
}
