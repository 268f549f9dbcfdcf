/**
 * Items and kits. An item is what a depot counts (a 5 kg rice bag, a gas cylinder); a kit is a bill
 * of materials (the food package: rice, oil, eggs...) whose lines may be items or other kits, with
 * variants by household size. A need for a kit expands into items for stock and load.
 */
import { z } from 'zod';
import { AppError } from '../shared/errors';

export const ITEM_UNITS = ['piece', 'kg', 'litre', 'pack', 'box', 'cylinder', 'bottle'] as const;
export type ItemUnit = (typeof ITEM_UNITS)[number];

/** Codes travel in live events and CSV files: short lower-case slugs, never free text. */
export const itemCodeSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a lower-case code of letters, digits, - and _ (at most 64)');
const name = z.string().trim().min(1).max(120);
const MAX_MEMBERS = 30;
const members = z.number().int().min(1).max(MAX_MEMBERS);
const inRange = (m: unknown): m is number => Number.isInteger(m) && (m as number) >= 1 && (m as number) <= MAX_MEMBERS;

export const itemInputSchema = z.strictObject({
  code: itemCodeSchema,
  name,
  unit: z.enum(ITEM_UNITS),
  weightKg: z.number().min(0).max(1000),
  volumeL: z.number().min(0).max(10_000),
});
export type ItemInput = z.output<typeof itemInputSchema>;

const kitLineSchema = z.strictObject({
  code: itemCodeSchema,
  quantity: z.number().int().min(1).max(100_000),
  substitutes: z.array(itemCodeSchema).max(5).default([])
    .describe('Items that may stand in for this one, unit for unit, in order of preference (canned vegetables for fresh): used when it is short.'),
  optional: z.boolean().default(false)
    .describe('The kit is still handed out without this component when it is short and no substitute is there (the manifest says so).'),
});

const variantSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'a lower-case variant name'),
  minMembers: members.default(1),
  maxMembers: members.default(30),
  lines: z.array(kitLineSchema).min(1).max(100),
});

/** A kit's variants must cover household sizes 1-30 exactly once, so every household finds one. */
export const kitInputSchema = z
  .strictObject({ name, variants: z.array(variantSchema).min(1).max(10) })
  .superRefine((kit, ctx) => {
    const cover = new Array<number>(MAX_MEMBERS + 1).fill(0);
    kit.variants.forEach((v, i) => {
      if (v.minMembers > v.maxMembers) ctx.addIssue({ code: 'custom', path: ['variants', i, 'maxMembers'], message: 'maxMembers is below minMembers' });
      // zod runs this refinement even when a bound already failed its own check (1-30): never loop
      // over a range the caller gave unless it is within them (1e9 or -1e308 took the process down).
      if (inRange(v.minMembers) && inRange(v.maxMembers)) for (let m = v.minMembers; m <= v.maxMembers; m++) cover[m] = (cover[m] ?? 0) + 1;
      const codes = v.lines.map((l) => l.code);
      if (new Set(codes).size !== codes.length) ctx.addIssue({ code: 'custom', path: ['variants', i, 'lines'], message: 'a component is listed twice' });
      v.lines.forEach((l, j) => {
        if (l.substitutes.includes(l.code) || new Set(l.substitutes).size !== l.substitutes.length) {
          ctx.addIssue({ code: 'custom', path: ['variants', i, 'lines', j, 'substitutes'], message: 'a substitute is listed twice or is the component itself' });
        }
      });
    });
    const names = kit.variants.map((v) => v.name);
    if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', path: ['variants'], message: 'variant names must be unique' });
    const bad = cover.slice(1).findIndex((c) => c !== 1);
    if (bad >= 0) ctx.addIssue({ code: 'custom', path: ['variants'], message: `household size ${bad + 1} must be covered by exactly one variant` });
  });
export type KitInput = z.output<typeof kitInputSchema>;

export interface KitLine {
  code: string;
  quantity: number;
  /** Items that may stand in for this one, unit for unit, in order of preference. */
  substitutes?: string[];
  /** Handed out without it when it is short and no substitute is there. */
  optional?: boolean;
}

export interface KitVariant {
  name: string;
  minMembers: number;
  maxMembers: number;
  lines: KitLine[];
}

/** What expansion needs to know of the catalogue: items, and kits with their variants. */
export type CatalogueEntry = { kind: 'item' } | { kind: 'kit'; variants: KitVariant[] };
export type Catalogue = ReadonlyMap<string, CatalogueEntry>;

/** An item or kit the catalogue lacks; the code itself is not echoed (the caller sent it). */
export function unknownItem(path: (string | number)[] = ['code']): AppError {
  return new AppError('validation', 'unknown item or kit', { errors: [{ path, message: 'unknown item or kit' }] });
}

export function kitCycleError(cycle: string[]): AppError {
  return new AppError('validation', `kit cycle: ${cycle.join(' > ')}`, { errors: [{ path: ['variants'], message: 'a kit may not contain itself' }], details: { cycle } });
}

/** The first cycle among the catalogue's kits (as a path that ends where it starts), or null. */
export function findKitCycle(catalogue: Catalogue): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (code: string): string[] | null => {
    const seen = state.get(code);
    if (seen === 'done') return null;
    if (seen === 'open') return [...path.slice(path.indexOf(code)), code];
    const entry = catalogue.get(code);
    if (entry?.kind !== 'kit') return null;
    state.set(code, 'open');
    path.push(code);
    for (const v of entry.variants) {
      for (const l of v.lines) {
        const cycle = visit(l.code);
        if (cycle) return cycle;
      }
    }
    path.pop();
    state.set(code, 'done');
    return null;
  };
  for (const code of [...catalogue.keys()].sort()) {
    const cycle = visit(code);
    if (cycle) return cycle;
  }
  return null;
}

export function variantFor(code: string, variants: readonly KitVariant[], householdMembers: number): KitVariant {
  const v = variants.find((x) => householdMembers >= x.minMembers && householdMembers <= x.maxMembers);
  if (!v) throw new AppError('validation', `kit ${code} has no variant for a household of ${householdMembers}`, { details: { kitCode: code, members: householdMembers } });
  return v;
}

/**
 * Items (code -> units) of `quantity` x `code` for a household of `householdMembers`: kits open
 * recursively (nested kits use the same household size); a cycle or an unknown code throws.
 */
export function expandKit(catalogue: Catalogue, code: string, quantity: number, householdMembers: number): Map<string, number> {
  if (!Number.isInteger(quantity) || quantity < 0) throw new AppError('validation', 'quantity must be a whole number >= 0', { errors: [{ path: ['quantity'], message: 'a whole number >= 0' }] });
  const out = new Map<string, number>();
  const walk = (c: string, q: number, path: string[]): void => {
    if (path.includes(c)) throw kitCycleError([...path.slice(path.indexOf(c)), c]);
    const entry = catalogue.get(c);
    if (!entry) throw unknownItem();
    if (entry.kind === 'item') {
      out.set(c, (out.get(c) ?? 0) + q);
      return;
    }
    for (const line of variantFor(c, entry.variants, householdMembers).lines) walk(line.code, q * line.quantity, [...path, c]);
  };
  if (quantity > 0) walk(code, quantity, []);
  return out;
}

/** One item of a need's expansion, with what may replace it (a kit line's substitutes) and whether it may be left out. */
export interface Component {
  code: string;
  quantity: number;
  substitutes: readonly string[];
  optional: boolean;
}

/**
 * `expandKit`, keeping each item's kit line: its substitutes, and whether it is optional (inside an
 * optional line of a nested kit, everything is). Lines of the same item merge where both agree.
 */
export function expandComponents(catalogue: Catalogue, code: string, quantity: number, householdMembers: number): Component[] {
  const out: Component[] = [];
  const walk = (c: string, q: number, line: Omit<Component, 'code' | 'quantity'>, path: string[]): void => {
    if (path.includes(c)) throw kitCycleError([...path.slice(path.indexOf(c)), c]);
    const entry = catalogue.get(c);
    if (!entry) throw unknownItem();
    if (entry.kind === 'item') {
      const same = out.find((o) => o.code === c && o.optional === line.optional && o.substitutes.join() === line.substitutes.join());
      if (same) same.quantity += q;
      else out.push({ code: c, quantity: q, ...line });
      return;
    }
    for (const l of variantFor(c, entry.variants, householdMembers).lines) {
      walk(l.code, q * l.quantity, { substitutes: l.substitutes ?? [], optional: line.optional || (l.optional ?? false) }, [...path, c]);
    }
  };
  if (quantity > 0) walk(code, quantity, { substitutes: [], optional: false }, []);
  return out;
}
