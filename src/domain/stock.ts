/**
 * Stock movements and the rules every balance keeps: on hand >= 0, reserved >= 0, reserved <= on hand.
 * Balances are never edited: each movement is a ledger row with its deltas, and the balance is their sum.
 */
import { z } from 'zod';
import { AppError } from '../shared/errors';
import { isoDate } from './dates';
import { itemCodeSchema } from './kit';
import { STOCK_KINDS } from './need-kinds';

export const MOVEMENTS = ['receipt', 'transfer_out', 'transfer_in', 'reservation', 'release', 'deduction', 'expiry', 'adjustment'] as const;
export type Movement = (typeof MOVEMENTS)[number];

export interface Balance {
  onHand: number;
  reserved: number;
}

export const available = (b: Balance): number => b.onHand - b.reserved;

const qty = z.number().int().min(1, 'must be a whole number of at least 1').max(10_000_000);
const day = isoDate();
const reason = z.string().trim().min(3).max(300);

export const receiptSchema = z.strictObject({
  depotId: z.uuid(),
  itemCode: itemCodeSchema,
  quantity: qty,
  expiresOn: day.optional(),
  reference: z.string().trim().min(1).max(120).optional(),
});
export type ReceiptInput = z.output<typeof receiptSchema>;

export const transferSchema = z.strictObject({ fromDepotId: z.uuid(), toDepotId: z.uuid(), itemCode: itemCodeSchema, quantity: qty })
  .refine((t) => t.fromDepotId !== t.toDepotId, { path: ['toDepotId'], error: 'a transfer needs two different depots' });
export type TransferInput = z.output<typeof transferSchema>;

/** A correction after a count: a reason is required, so the ledger can always be explained. */
export const adjustmentSchema = z.strictObject({
  depotId: z.uuid(),
  itemCode: itemCodeSchema,
  delta: z.number().int().min(-10_000_000).max(10_000_000).refine((d) => d !== 0, 'must not be 0'),
  reason,
  expiresOn: day.optional(),
});
export type AdjustmentInput = z.output<typeof adjustmentSchema>;

export const minimumSchema = z.strictObject({ depotId: z.uuid(), itemCode: itemCodeSchema, minimum: z.number().int().min(0).max(10_000_000) });
export type MinimumInput = z.output<typeof minimumSchema>;

/** One reservation line: units of an item at a depot, for a round (and one of its stops). */
export const reserveLineSchema = z.strictObject({ depotId: z.uuid(), itemCode: itemCodeSchema, quantity: qty, stopId: z.string().regex(/^\d+$/).nullable().default(null) });
export type ReserveLine = z.output<typeof reserveLineSchema>;

export interface Shortage {
  depotId: string;
  itemCode: string;
  requested: number;
  available: number;
}

/**
 * One movement a caller asked for (a transfer, a correction) that the free stock can't cover: the
 * field is named with what is free; the depot and item the caller sent are not echoed.
 */
export function notEnoughFree(requested: number, free: number, path: (string | number)[]): AppError {
  return new AppError('conflict', `not enough stock: ${free} free, ${requested} asked`, { errors: [{ path, message: `at most ${Math.max(0, free)} free` }] });
}

/** A round's reservation the depots can't cover: every short line (the round's own data). */
export function insufficientStock(shortages: Shortage[]): AppError {
  const names = shortages.map((s) => `${s.itemCode} at ${s.depotId} (${s.available} available, ${s.requested} requested)`).join('; ');
  return new AppError('conflict', `not enough stock: ${names}`, { details: { shortages } });
}

/** A need kind's product code and units, or null for kinds that are not depot stock (medicine, passes). */
export function needProduct(kind: string, details: Record<string, unknown>): { code: string; quantity: number } | null {
  const stock = STOCK_KINDS.find((k) => k.kind === kind);
  if (!stock) return null;
  // A kind without a units field (the food package) is one unit per need: its kit's variant for the
  // household's size already scales the contents, so the size must not multiply them again.
  if (stock.unitsField === undefined) return { code: stock.product, quantity: 1 };
  const units = Number(details[stock.unitsField]);
  return { code: stock.product, quantity: Number.isInteger(units) && units > 0 ? units : 1 };
}

export type AlertLevel = 'low' | 'out';

/** 'out' when nothing is available, 'low' below the minimum, null otherwise. */
export function minimumLevel(availableUnits: number, minimum: number): AlertLevel | null {
  if (availableUnits <= 0 && minimum > 0) return 'out';
  return availableUnits < minimum ? 'low' : null;
}

/** Whole days from `today` (YYYY-MM-DD) to `day`; negative once past. */
export function daysBetween(today: string, day: string): number {
  return Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}

/** Service-level check of input that may not have come through a route (rounds, workers): `validation` with the fields named. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const errors = r.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p.description) : p)), message: i.message }));
  throw new AppError('validation', `invalid input: ${[...new Set(errors.map((e) => e.path.join('.') || '(root)'))].join(', ')}`, { errors });
}

/** Takes `quantity` units from lots in the order given (first to expire first); throws if they hold too little. */
export function takeFefo(lots: readonly { lotId: string; quantity: number }[], quantity: number): { lotId: string; quantity: number }[] {
  const out: { lotId: string; quantity: number }[] = [];
  let left = quantity;
  for (const lot of lots) {
    if (left <= 0) break;
    const q = Math.min(lot.quantity, left);
    if (q > 0) out.push({ lotId: lot.lotId, quantity: q });
    left -= q;
  }
  // The balance said there was enough: lots disagreeing with it means the ledger was bypassed.
  if (left > 0) throw new AppError('internal', 'stock lots hold less than the balance says');
  return out;
}
