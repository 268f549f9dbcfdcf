/**
 * JSON Schema (the subset our OpenAPI document uses) -> a fast-check arbitrary of VALID values:
 * object/properties/required/additionalProperties, string (enum, uuid, date, date-time, pattern,
 * min/maxLength), integer/number (minimum/maximum), boolean, null, arrays, oneOf/anyOf, type
 * lists. Ids come from the world most of the time (`pools`, by property or parameter name), so a
 * valid request gets past the 404 to the code behind it; the mutations come later (mutate.ts).
 */
import fc from 'fast-check';
import type { JsonSchema } from './document';

export interface SchemaContext {
  resolve(schema: JsonSchema): JsonSchema;
  /** Real values for a property or parameter name (ids of the world), if any. */
  pool(name: string): readonly string[] | undefined;
  /** "Now" for dates, so valid dates are near it (appointments, validity windows). */
  now: number;
}

const DAY = 86_400_000;
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

export function arbitraryFor(schema: JsonSchema, ctx: SchemaContext, name = '', depth = 0): fc.Arbitrary<unknown> {
  const s = ctx.resolve(schema);
  if (depth > 8) return fc.constant(null);
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const alternatives = (s.oneOf ?? s.anyOf) as JsonSchema[] | undefined;
  if (alternatives) return fc.oneof(...alternatives.map((a) => arbitraryFor(a, ctx, name, depth + 1)));
  if (Array.isArray(s.type)) {
    const types = s.type as string[];
    // null is a legal value, not the interesting one: a tenth of the time.
    return fc.oneof(...types.map((t) => ({ arbitrary: arbitraryFor({ ...s, type: t }, ctx, name, depth + 1), weight: t === 'null' ? 1 : 9 })));
  }
  switch (s.type) {
    case 'object':
      return objectOf(s, ctx, depth);
    case 'array': {
      const min = num(s.minItems) ?? 0;
      const max = Math.max(min, Math.min(num(s.maxItems) ?? 3, 3));
      return fc.array(arbitraryFor((s.items as JsonSchema | undefined) ?? {}, ctx, name, depth + 1), { minLength: min, maxLength: max });
    }
    case 'string':
      return stringOf(s, ctx, name);
    case 'integer':
      return fc.integer({ min: Math.max(num(s.minimum) ?? -1000, -1e6), max: Math.min(num(s.maximum) ?? 1000, 1e6) });
    case 'number':
      return fc.double({ min: Math.max(num(s.minimum) ?? -1000, -1e6), max: Math.min(num(s.maximum) ?? 1000, 1e6), noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.constant(null);
  }
}

function objectOf(s: JsonSchema, ctx: SchemaContext, depth: number): fc.Arbitrary<unknown> {
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const required = (s.required ?? []) as string[];
  const model = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, arbitraryFor(v, ctx, k, depth + 1)]));
  return fc.record(model, { requiredKeys: required.filter((k) => k in props) });
}

function stringOf(s: JsonSchema, ctx: SchemaContext, name: string): fc.Arbitrary<string> {
  const generated = freshString(s, ctx);
  const pool = ctx.pool(name)?.filter((v) => fits(s, v));
  if (!pool?.length) return generated;
  // Real ids most of the time; a well-formed unknown one sometimes (the 404 path).
  return fc.oneof({ arbitrary: fc.constantFrom(...pool), weight: 6 }, { arbitrary: generated, weight: 1 });
}

function freshString(s: JsonSchema, ctx: SchemaContext): fc.Arbitrary<string> {
  const minLength = num(s.minLength) ?? 0;
  const maxLength = num(s.maxLength) ?? 40;
  switch (s.format) {
    case 'uuid':
      return fc.uuid({ version: 4 });
    case 'date-time':
      return fc.integer({ min: -5, max: 20 * 24 }).map((h) => new Date(ctx.now + h * 3_600_000).toISOString());
    case 'date':
      return fc.integer({ min: -5, max: 20 }).map((d) => new Date(ctx.now + d * DAY).toISOString().slice(0, 10));
    case 'email':
      return fc.emailAddress();
  }
  if (typeof s.pattern === 'string') {
    const re = new RegExp(s.pattern);
    return fc.stringMatching(re).filter((v) => v.length >= minLength && v.length <= maxLength);
  }
  const max = Math.max(minLength, Math.min(maxLength, 40));
  // Plain words mostly, any unicode text sometimes (both valid: the schema only bounds the length).
  return fc
    .oneof(
      { arbitrary: fc.stringMatching(/^[A-Z][a-z]{2,9}( [a-z]{2,9}){0,3}$/), weight: 3 },
      { arbitrary: fc.string({ unit: 'grapheme', minLength, maxLength: max }), weight: 1 },
    )
    .map((v) => (v.length < minLength ? v.padEnd(minLength, 'x') : clip(v, maxLength)));
}

/** Cuts to at most `max` UTF-16 units without splitting a surrogate pair (a valid value stays well-formed). */
export function clip(v: string, max: number): string {
  let out = '';
  for (const cp of v) {
    if (out.length + cp.length > max) break;
    out += cp;
  }
  return out;
}

/** Whether a pool value satisfies the schema's own string rules (an id pool serves many names). */
function fits(s: JsonSchema, v: string): boolean {
  if (s.format === 'uuid' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) return false;
  if (typeof s.pattern === 'string' && !new RegExp(s.pattern).test(v)) return false;
  if (Array.isArray(s.enum) && !s.enum.includes(v)) return false;
  return v.length >= (num(s.minLength) ?? 0) && v.length <= (num(s.maxLength) ?? Infinity);
}
