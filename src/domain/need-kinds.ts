/**
 * What each need kind means, in one place: its details, what makes two of them the same need, how
 * much one may ask for, where what is delivered comes from, how much room it takes on a van, how
 * urgent it is, which of its fields are medical, and which rounds deliver it. Every list, SQL
 * `in (...)`, demand, priority, CSV column and form is derived from NEED_KIND_SPECS; adding a kind is
 * one entry here (the compiler asks for each field), its translations and a migration of the
 * needs.kind check.
 */
import { z } from 'zod';
import { isoDate, isoDateTime } from './dates';
import { foodPackagesFor } from './household';
import { NEED_KINDS, type NeedKind, type RoundKind, type Urgency, URGENCIES } from './kinds';

export { NEED_KINDS, type NeedKind };

/** The dimensions a van's load is counted in (vehicle capacities name theirs, see round planning). */
export const LOAD_DIMENSIONS = ['bags', 'kg', 'cylinders', 'litres'] as const;
export type LoadDimension = (typeof LOAD_DIMENSIONS)[number];
export type Load = Record<LoadDimension, number>;

/** Routing priority class, 0 first (the planning engine's Priority). */
export type PriorityClass = 0 | 1 | 2 | 3;

/**
 * Where what a need asks for comes from: a catalogue product (item or kit) drawn from depot stock;
 * medicine bought per household and packed in a bag (procurement); or nothing a round carries
 * (a medical pass is a passenger trip, planned by the pass transport planner).
 */
export type Supply =
  /**
   * `unitsField`: the detail counting the product's units; absent, one unit per need (the food
   * package: one per household per cycle, its kit variant sized by the catalogue).
   */
  | { from: 'stock'; product: string; unitsField?: string }
  | { from: 'procurement' }
  | { from: 'passenger_trip' }
  /**
   * Nothing is carried: a round collects what the need hands over (waste) and unloads it at a
   * disposal site. `bagsField` and `kgField` name the details counting it (read by planning).
   */
  | { from: 'collection'; bagsField: string; kgField: string };

/** What a collection need hands over, as its details state it (null for the other kinds). */
export interface Handed { bags: number; kg: number }

/** Waste categories: from positive or close-contact households (collected by crews in protective gear), or ordinary. */
export const WASTE_CATEGORIES = ['positive', 'close_contact', 'ordinary'] as const;
export type WasteCategory = (typeof WASTE_CATEGORIES)[number];

export interface NeedKindSpec<D extends z.ZodObject = z.ZodObject> {
  /**
   * Whose need it is: a household's (submitted for the household, one open need per household and
   * identity), or a corridor's (a waste pickup: entered by its unit chief for the whole corridor,
   * stored with no household, one open need per corridor and identity).
   */
  subject: 'household' | 'corridor';
  /** The details a submission carries (strict: unknown fields refused). */
  details: D;
  /** Two open needs of one household with the same kind and identity are one need (merged). */
  identity(details: z.output<D>): string;
  /** The detail field counting what is asked, and the most one need may ask (a merged need too); null: none. */
  quantity: { field: string; max: number } | null;
  supply: Supply;
  /**
   * Room one need takes on a van: `units` is its quantity (for stock kinds; null for the others,
   * whose details the planner never reads), `members` the household's size, `handed` what a
   * collection need hands over (null for the others).
   */
  load(units: number | null, members: number, handed?: Handed | null): Load;
  /** What is wrong with the details at `now` that the schema can't know (a date already past): the field and why. */
  staleAt(details: z.output<D>, now: Date): { field: string; message: string }[];
  /** Urgency of a submission at `now` (most kinds: routine). */
  urgency(details: z.output<D>, now: Date): Urgency;
  /** Routing priority class for a need of this urgency. */
  priority(urgency: Urgency): PriorityClass;
  /** Household flags that raise this kind's priority (on top of the elderly living alone, for every kind). */
  vulnerableWhen: readonly ('chronicIllness' | 'cannotCook')[];
  /** Detail fields that are medical: redacted for roles that may not read them, never logged. */
  medicalFields: readonly string[];
  /** The round kinds that deliver it; empty only with `supply.from === 'passenger_trip'`. */
  rounds: readonly RoundKind[];
}

const notes = z.string().trim().max(500).optional();
const text = (max: number) => z.string().trim().min(1).max(max);
const norm = (s: string): string => s.trim().toLowerCase().replace(/\s+/g, ' ');
const DAY_MS = 24 * 3600 * 1000;
const FOOD_ROUNDS = ['food', 'mixed'] as const;
const routine = (): Urgency => 'routine';
const fresh = (): { field: string; message: string }[] => [];
const bagsOfTen = (units: number | null) => Math.max(1, Math.ceil((units ?? 1) / 10));

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

/** Planning kilograms per bag of a food package (the catalogue's variant decides what is really in it). */
const FOOD_BAG_KG = 8;

/** Infers each entry's details type, so identity() and urgency() see their own fields. */
const spec = <D extends z.ZodObject>(s: NeedKindSpec<D>): NeedKindSpec<D> => s;

export const NEED_KIND_SPECS = {
  food_package: spec({
    subject: 'household',
    details: z.strictObject({ cycle: cycleSchema, notes }),
    // The cycle id, as food entitlement generation writes it: a household's own submission and its
    // entitlement for one cycle are the same need (intake fills in the current cycle first).
    identity: (d) => d.cycle ?? '',
    quantity: null,
    // One package per household per cycle: household size picks the kit variant (the catalogue
    // scales the contents) and the number of bags it is packed in, never a count of packages.
    supply: { from: 'stock', product: 'food_package' },
    load: (_units, members) => {
      const bags = foodPackagesFor(members);
      return { bags, kg: FOOD_BAG_KG * bags, cylinders: 0, litres: 0 };
    },
    staleAt: fresh,
    urgency: routine,
    priority: () => 2,
    vulnerableWhen: ['cannotCook'],
    medicalFields: [],
    rounds: FOOD_ROUNDS,
  }),
  medicine: spec({
    subject: 'household',
    details: z.strictObject({
      drug: text(120),
      strength: text(60),
      quantity: z.number().int().min(1).max(1000),
      prescriptionRef: text(80).optional(),
      urgency: z.enum(URGENCIES).default('routine'),
      notes,
    }),
    identity: (d) => `${norm(d.drug)}|${norm(d.strength)}`,
    quantity: { field: 'quantity', max: 1000 },
    supply: { from: 'procurement' },
    // One opaque household bag, whatever is in it: the planner never reads medicine details.
    load: () => ({ bags: 1, kg: 0.5, cylinders: 0, litres: 0 }),
    staleAt: fresh,
    urgency: (d) => d.urgency,
    priority: (u) => (u === 'emergency' ? 0 : u === 'today' ? 1 : 2),
    vulnerableWhen: ['chronicIllness'],
    medicalFields: ['drug', 'strength', 'prescriptionRef', 'notes'],
    rounds: ['medicine', 'mixed'],
  }),
  boxed_meal: spec({
    subject: 'household',
    details: z.strictObject({ date: isoDate(), meals: z.number().int().min(1).max(60), notes }),
    identity: (d) => d.date,
    quantity: { field: 'meals', max: 60 },
    supply: { from: 'stock', product: 'boxed_meal', unitsField: 'meals' },
    load: (units) => ({ bags: bagsOfTen(units), kg: 0.5 * (units ?? 1), cylinders: 0, litres: 0 }),
    staleAt: (d, now) => (d.date < now.toISOString().slice(0, 10) ? [{ field: 'date', message: 'the date is in the past' }] : []),
    urgency: routine,
    priority: () => 2,
    vulnerableWhen: ['cannotCook'],
    medicalFields: [],
    rounds: FOOD_ROUNDS,
  }),
  gas: spec({
    subject: 'household',
    details: z.strictObject({ cylinders: z.number().int().min(1).max(4), notes }),
    identity: () => 'gas',
    quantity: { field: 'cylinders', max: 4 },
    supply: { from: 'stock', product: 'gas', unitsField: 'cylinders' },
    load: (units) => ({ bags: 0, kg: 15 * (units ?? 1), cylinders: units ?? 1, litres: 0 }),
    staleAt: fresh,
    urgency: routine,
    priority: () => 3,
    vulnerableWhen: [],
    medicalFields: [],
    rounds: FOOD_ROUNDS,
  }),
  rice: spec({
    subject: 'household',
    details: z.strictObject({ kg: z.number().int().min(1).max(100), notes }),
    identity: () => 'rice',
    quantity: { field: 'kg', max: 100 },
    supply: { from: 'stock', product: 'rice', unitsField: 'kg' },
    load: (units) => ({ bags: bagsOfTen(units), kg: units ?? 1, cylinders: 0, litres: 0 }),
    staleAt: fresh,
    urgency: routine,
    priority: () => 3,
    vulnerableWhen: [],
    medicalFields: [],
    rounds: FOOD_ROUNDS,
  }),
  oil: spec({
    subject: 'household',
    details: z.strictObject({ litres: z.number().int().min(1).max(20), notes }),
    identity: () => 'oil',
    quantity: { field: 'litres', max: 20 },
    supply: { from: 'stock', product: 'oil', unitsField: 'litres' },
    load: (units) => ({ bags: 1, kg: units ?? 1, cylinders: 0, litres: units ?? 1 }),
    staleAt: fresh,
    urgency: routine,
    priority: () => 3,
    vulnerableWhen: [],
    medicalFields: [],
    rounds: FOOD_ROUNDS,
  }),
  medical_pass: spec({
    subject: 'household',
    details: z.strictObject({
      reason: text(500),
      hospital: text(160),
      appointmentAt: isoDateTime(),
      needsEscort: z.boolean().default(false),
      needsWheelchair: z.boolean().default(false),
      notes,
    }),
    identity: (d) => `${norm(d.hospital)}|${new Date(d.appointmentAt).toISOString()}`,
    quantity: null,
    supply: { from: 'passenger_trip' },
    load: () => ({ bags: 0, kg: 0, cylinders: 0, litres: 0 }),
    staleAt: (d, now) => (new Date(d.appointmentAt).getTime() < now.getTime() ? [{ field: 'appointmentAt', message: 'the appointment is in the past' }] : []),
    urgency: (d, now) => (new Date(d.appointmentAt).getTime() - now.getTime() <= DAY_MS ? 'today' : 'routine'),
    priority: (u) => (u === 'today' ? 1 : 2),
    vulnerableWhen: ['chronicIllness'],
    medicalFields: ['reason', 'hospital', 'notes'],
    rounds: [],
  }),
  waste_pickup: spec({
    subject: 'corridor',
    details: z.strictObject({
      bags: z.number().int().min(1).max(500),
      estimatedKg: z.number().min(0.5).max(5000),
      category: z.enum(WASTE_CATEGORIES),
      notes,
    }),
    // One open request per corridor and category: a second one before the pickup asks again.
    identity: (d) => d.category,
    quantity: { field: 'bags', max: 500 },
    supply: { from: 'collection', bagsField: 'bags', kgField: 'estimatedKg' },
    load: (units, _members, handed) => ({ bags: handed?.bags ?? units ?? 1, kg: handed?.kg ?? 5 * (units ?? 1), cylinders: 0, litres: 0 }),
    staleAt: fresh,
    urgency: routine,
    // Waste from positive households waits least (the round's own priority; waste rounds take nothing else).
    priority: () => 2,
    vulnerableWhen: [],
    medicalFields: [],
    rounds: ['waste'],
  }),
} satisfies { [K in NeedKind]: NeedKindSpec };

export type NeedKindSpecs = typeof NEED_KIND_SPECS;

/** The spec of `kind`, typed loosely (for code that handles every kind alike). */
export const needKindSpec = (kind: NeedKind): NeedKindSpec => NEED_KIND_SPECS[kind] as NeedKindSpec;

export const isNeedKind = (s: string): s is NeedKind => (NEED_KINDS as readonly string[]).includes(s);

/** Kinds a round of `round` claims. */
export const needKindsOfRound = (round: RoundKind): NeedKind[] => NEED_KINDS.filter((k) => needKindSpec(k).rounds.includes(round));

/** Collection kinds (nothing carried: the round picks up), with the details counting what they hand over. */
export const COLLECTION_KINDS: readonly { kind: NeedKind; bagsField: string; kgField: string }[] = NEED_KINDS.flatMap((kind) => {
  const supply = needKindSpec(kind).supply;
  return supply.from === 'collection' ? [{ kind, bagsField: supply.bagsField, kgField: supply.kgField }] : [];
});

/** Kinds drawn from depot stock, with their catalogue product and the detail counting its units (absent: one per need). */
export const STOCK_KINDS: readonly { kind: NeedKind; product: string; unitsField?: string }[] = NEED_KINDS.flatMap((kind) => {
  const supply = needKindSpec(kind).supply;
  return supply.from === 'stock' ? [{ kind, product: supply.product, unitsField: supply.unitsField }] : [];
});

/**
 * Who gets scarce stock first (src/planning/allocation), lower first: 0 emergency medicine, 1 medicine
 * due today, 2 medical passes and routine medicine, 3 stock for a vulnerable household (elderly living
 * alone, cannot cook, chronic illness), 4 the rest. Medical kinds are those not drawn from depot stock.
 */
export type AllocationClass = 0 | 1 | 2 | 3 | 4;

export function allocationClass(kind: NeedKind, urgency: Urgency, household: { elderlyAlone: boolean; cannotCook: boolean; chronicIllness: boolean }): AllocationClass {
  if (needKindSpec(kind).supply.from !== 'stock') return urgency === 'emergency' ? 0 : urgency === 'today' ? 1 : 2;
  return household.elderlyAlone || household.cannotCook || household.chronicIllness ? 3 : 4;
}
