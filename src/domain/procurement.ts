/**
 * Medicine procurement: medicine needs roll up into purchase orders per supplier, community and
 * order day. A daily cut-off decides the day: a need that arrives after it goes to the next day's order.
 * Received medicine is packed into bags per household whose id says nothing medical.
 */
import { z } from 'zod';
import { AppError } from '../shared/errors';

/** "HH:MM" with a UTC offset, e.g. "16:00+08:00": the district's local cut-off time. */
export const cutoffSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/, 'HH:MM with a UTC offset, e.g. 16:00+08:00');

export interface Cutoff {
  /** Minutes after local midnight. */
  minutes: number;
  /** Local time minus UTC, in minutes. */
  offsetMinutes: number;
}

export function parseCutoff(value: string): Cutoff {
  const v = cutoffSchema.parse(value);
  const minutes = Number(v.slice(0, 2)) * 60 + Number(v.slice(3, 5));
  if (v.endsWith('Z')) return { minutes, offsetMinutes: 0 };
  const sign = v[5] === '-' ? -1 : 1;
  return { minutes, offsetMinutes: sign * (Number(v.slice(6, 8)) * 60 + Number(v.slice(9, 11))) };
}

/** The order day (YYYY-MM-DD, local) a need arriving at `at` belongs to. */
export function orderDayOf(at: Date, cutoff: Cutoff): string {
  const local = new Date(at.getTime() + cutoff.offsetMinutes * 60_000);
  const minuteOfDay = local.getUTCHours() * 60 + local.getUTCMinutes();
  const day = local.toISOString().slice(0, 10);
  return minuteOfDay < cutoff.minutes ? day : nextDay(day);
}

export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** When the order of `day` closes (its cut-off), as an instant. */
export function cutoffInstant(day: string, cutoff: Cutoff): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) + (cutoff.minutes - cutoff.offsetMinutes) * 60_000);
}

const norm = (s: string): string => s.trim().toLowerCase().replace(/\s+/g, ' ');

/** One purchase line per drug and strength (the same normalisation as a medicine need's identity). */
export const drugKeyOf = (drug: string, strength: string): string => `${norm(drug)}|${norm(strength)}`;

/** Why a drug could not be bought: a closed list, shown to the household on its need. */
export const UNAVAILABLE_REASONS = {
  out_of_stock: 'no supplier has it in stock',
  discontinued: 'no longer made or sold',
  prescription_required: 'a valid prescription is needed to buy it',
  recalled: 'recalled by the regulator',
  other: 'could not be bought',
} as const;
export type UnavailableReason = keyof typeof UNAVAILABLE_REASONS;

export const supplierSchema = z.strictObject({
  name: z.string().trim().min(1).max(120),
  kind: z.enum(['pharmacy', 'supplier']),
  isDefault: z.boolean().default(false),
  /** Drugs this supplier is the source for (names as written on needs; matched case- and space-insensitively). */
  drugs: z.array(z.strictObject({ drug: z.string().trim().min(1).max(120), strength: z.string().trim().min(1).max(60) })).max(1000).default([]),
});
export type SupplierInput = z.output<typeof supplierSchema>;

export const receiptLinesSchema = z.strictObject({
  received: z.array(z.strictObject({ lineId: z.uuid(), quantity: z.number().int().min(1).max(1_000_000) })).max(1000).default([]),
  unavailable: z.array(z.strictObject({ lineId: z.uuid(), reason: z.enum(Object.keys(UNAVAILABLE_REASONS) as [UnavailableReason, ...UnavailableReason[]]) })).max(1000).default([]),
}).refine((r) => r.received.length + r.unavailable.length > 0, { error: 'receive at least one line or report one unavailable' });
export type ReceiptLines = z.output<typeof receiptLinesSchema>;

/**
 * Which needs of a line a received quantity covers: whole needs only (a household gets its full
 * quantity or waits), most urgent first, then oldest. Returns the need ids covered.
 */
export function coverNeeds(needs: readonly { needId: string; quantity: number; urgencyRank: number; createdAt: number }[], units: number): string[] {
  const order = [...needs].sort((a, b) => a.urgencyRank - b.urgencyRank || a.createdAt - b.createdAt || (a.needId < b.needId ? -1 : 1));
  const out: string[] = [];
  let left = units;
  for (const n of order) {
    if (n.quantity <= left) {
      out.push(n.needId);
      left -= n.quantity;
    }
  }
  return out;
}

export function orderNotOpen(status: string): AppError {
  return new AppError('invalid_transition', `a purchase order that is ${status} cannot take this change`, { details: { orderStatus: status } });
}
