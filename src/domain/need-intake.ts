/**
 * Turning a valid submission into what is stored: derived fields (the food cycle, urgency,
 * priority), date checks against "now", and merging a duplicate submission into the open need it
 * repeats. A food package stores no count: it is one per household per cycle, sized by the kit
 * variant for the household (need-kinds.ts).
 */
import { AppError } from '../shared/errors';
import type { Household } from './household';
import { identityOf, URGENCIES, type DuplicateRule, type NeedInput, type NeedKind, type ResolvedNeedInput, type Urgency } from './need';
import { needKindSpec } from './need-kinds';

export interface PreparedNeed {
  kind: NeedKind;
  identityKey: string;
  details: Record<string, unknown>;
  urgency: Urgency;
  priority: number;
  cycle: string | null;
  /** What a repeat of an open identical need means (need.ts, DUPLICATE_RULES). */
  onDuplicate: DuplicateRule;
}

type Flags = Pick<Household, 'members' | 'elderlyAlone' | 'cannotCook' | 'chronicIllness'>;

const URGENCY_WEIGHT: Record<Urgency, number> = { routine: 0, today: 50, emergency: 100 };

/**
 * The food cycles a submission may name at the moment (ids from `openFoodCycles` in food-cycle.ts):
 * the current one, which an absent cycle means, and the next, for needs entered just before a boundary.
 */
export interface IntakeCycles {
  current: { id: string };
  next: { id: string };
}

function foodCycleOf(requested: string | undefined, cycles: IntakeCycles): string {
  if (requested === undefined) return cycles.current.id;
  if (requested === cycles.current.id || requested === cycles.next.id) return requested;
  throw new AppError('validation', 'invalid cycle', {
    errors: [{ path: ['details', 'cycle'], message: `expected the current cycle ${cycles.current.id} or the next ${cycles.next.id}` }],
  });
}

const urgencyOf = (input: ResolvedNeedInput, now: Date): Urgency => (needKindSpec(input.kind).urgency as (d: unknown, now: Date) => Urgency)(input.details, now);

/** Higher is served first: urgency, then the household's vulnerability. */
export function priorityOf(kind: NeedKind, urgency: Urgency, h: Flags): number {
  let p = URGENCY_WEIGHT[urgency];
  if (h.elderlyAlone) p += 10;
  for (const flag of needKindSpec(kind).vulnerableWhen) if (h[flag]) p += 5;
  return p;
}

/**
 * Validates dates against `now` and the food cycle against `cycles`, and derives the stored form.
 * Throws `validation` naming the field.
 */
export function prepareNeed(submitted: NeedInput, household: Flags, now: Date, cycles: IntakeCycles): PreparedNeed {
  // A corridor's need (a waste pickup) is not a household's: its unit chief requests it for the corridor.
  if (needKindSpec(submitted.kind).subject !== 'household') {
    throw new AppError('validation', `${submitted.kind} is requested per corridor, not per household`, {
      errors: [{ path: ['kind'], message: `${submitted.kind} is requested for a corridor: POST /api/corridors/{corridorId}/waste-requests` }],
    });
  }
  const input: ResolvedNeedInput =
    submitted.kind === 'food_package'
      ? { kind: 'food_package', details: { ...submitted.details, cycle: foodCycleOf(submitted.details.cycle, cycles) }, onDuplicate: submitted.onDuplicate }
      : submitted;
  const stale = (needKindSpec(input.kind).staleAt as (d: unknown, now: Date) => { field: string; message: string }[])(input.details, now);
  if (stale.length) throw new AppError('validation', 'invalid date', { errors: stale.map((e) => ({ path: ['details', e.field], message: e.message })) });
  const details: Record<string, unknown> = { ...input.details };
  const urgency = urgencyOf(input, now);
  return {
    kind: input.kind,
    identityKey: identityOf(input),
    details,
    urgency,
    priority: priorityOf(input.kind, urgency, household),
    cycle: input.kind === 'food_package' ? input.details.cycle : null,
    onDuplicate: input.onDuplicate,
  };
}

const MERGED_NOTES_MAX = 1000;

/** Both notes, cut by code points: cutting UTF-16 units could split an emoji into a lone surrogate. */
function mergeNotes(a: unknown, b: unknown): string | undefined {
  const parts = [a, b].filter((x): x is string => typeof x === 'string' && x.length > 0);
  const unique = [...new Set(parts)];
  return unique.length ? Array.from(unique.join(' | ')).slice(0, MERGED_NOTES_MAX).join('') : undefined;
}

const moreUrgent = (a: Urgency, b: Urgency): Urgency =>
  URGENCIES.indexOf(a) >= URGENCIES.indexOf(b) ? a : b;

export interface MergeResult {
  details: Record<string, unknown>;
  urgency: Urgency;
  priority: number;
}

/**
 * A duplicate submission folded into the open need it repeats: the larger quantity stands, or with
 * `onDuplicate: 'add'` the two add up (either way capped at the kind's maximum); flags and urgency
 * keep the stronger value, notes are kept from both.
 */
export function mergeNeed(
  existing: { details: Record<string, unknown>; urgency: Urgency; priority: number },
  incoming: PreparedNeed,
): MergeResult {
  const merged: Record<string, unknown> = { ...existing.details };
  // Merged quantities never exceed what one need may ask for.
  const q = needKindSpec(incoming.kind).quantity;
  if (q) {
    const [had, asked] = [Number(existing.details[q.field] ?? 0), Number(incoming.details[q.field] ?? 0)];
    merged[q.field] = Math.min(q.max, incoming.onDuplicate === 'add' ? had + asked : Math.max(had, asked));
  }
  if (incoming.kind === 'medical_pass') {
    merged.needsEscort = existing.details.needsEscort === true || incoming.details.needsEscort === true;
    merged.needsWheelchair = existing.details.needsWheelchair === true || incoming.details.needsWheelchair === true;
  }
  const urgency = moreUrgent(existing.urgency, incoming.urgency);
  if (incoming.kind === 'medicine') {
    merged.urgency = urgency;
    merged.prescriptionRef ??= incoming.details.prescriptionRef;
  }
  const notes = mergeNotes(existing.details.notes, incoming.details.notes);
  if (notes !== undefined) merged.notes = notes;
  return { details: merged, urgency, priority: Math.max(existing.priority, incoming.priority) };
}
