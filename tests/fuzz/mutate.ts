/**
 * The mutations of a valid request, one variant per case: wrong types, missing and unknown
 * fields, hostile text, extreme numbers and dates, wrong media types, broken encodings, oversize
 * requests, malformed credentials. Each is an arbitrary (its choices are seeded like the rest) and
 * says in `note` what it changed, never the value itself (it may look medical).
 */
import fc from 'fast-check';
import type { JsonSchema, Operation } from './document';
import { ANY_TYPE, RawJson, describeValue, extremeAnyDate, extremeNumber, extremeNumberText, hostileText, typeOf } from './hostile';
import { clone, toJson, type Draft, type WireTweaks } from './request';
import { badEncoding, oversize, wrongMediaType } from './mutate-wire';

export const VARIANTS = [
  'valid', 'wrong_type', 'missing_field', 'unknown_field', 'hostile_text', 'extreme_number', 'extreme_date',
  'wrong_media_type', 'bad_encoding', 'oversize', 'bad_auth',
] as const;
export type Variant = (typeof VARIANTS)[number];

export interface Mutation {
  draft: Draft;
  tweaks: WireTweaks;
  /** What changed, without the value. */
  note: string;
}

type Path = (string | number)[];
type Loc = { in: 'body'; path: Path; value: unknown } | { in: 'query' | 'path' | 'header'; name: string; value: string };

function bodyNodes(v: unknown, path: Path = [], out: { path: Path; value: unknown }[] = []): { path: Path; value: unknown }[] {
  out.push({ path, value: v });
  if (Array.isArray(v)) v.forEach((x, i) => bodyNodes(x, [...path, i], out));
  else if (v !== null && typeof v === 'object' && !(v instanceof RawJson)) for (const k of Object.keys(v)) bodyNodes((v as Record<string, unknown>)[k], [...path, k], out);
  return out;
}

function locations(d: Draft): Loc[] {
  return [
    ...(d.body ? bodyNodes(d.body.value).map((n) => ({ in: 'body' as const, ...n })) : []),
    ...Object.entries(d.query).map(([name, v]) => ({ in: 'query' as const, name, value: String(v) })),
    ...Object.entries(d.path).map(([name, value]) => ({ in: 'path' as const, name, value })),
    ...Object.entries(d.headers).map(([name, value]) => ({ in: 'header' as const, name, value })),
  ];
}

const where = (l: Loc): string => (l.in === 'body' ? `body${l.path.map((p) => `.${p}`).join('')}` : `${l.in} ${l.name}`);
/** Header values must be Latin-1 without CR/LF, or the client refuses to send them: keep what can travel. */
const headerSafe = (v: string): string => (/^[\t\x20-\x7e\x80-\xff]*$/.test(v) ? v : `${'h'.repeat(4096)}`);

/** A copy of the draft with `loc` set to `value` (or removed, with `undefined`). */
function setAt(d: Draft, loc: Loc, value: unknown): Draft {
  const out = clone(d);
  if (loc.in !== 'body') {
    const bag = out[loc.in === 'header' ? 'headers' : loc.in] as Record<string, unknown>;
    if (value === undefined) delete bag[loc.name];
    else bag[loc.name] = typeof value === 'string' ? (loc.in === 'header' ? headerSafe(value) : value) : loc.in === 'header' ? 'x' : toJson(value);
    return out;
  }
  if (!out.body) return out;
  if (loc.path.length === 0) {
    if (value === undefined) delete out.body;
    else out.body.value = value;
    return out;
  }
  let node = out.body.value as Record<string | number, unknown>;
  for (const p of loc.path.slice(0, -1)) node = node[p] as Record<string | number, unknown>;
  const last = loc.path[loc.path.length - 1] as string | number;
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else {
    Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const unchanged = (d: Draft, why: string): fc.Arbitrary<Mutation> => fc.constant({ draft: d, tweaks: {}, note: why });
/** A location, in the body three times out of four when it has one (where most of the code is). */
const pickLoc = (locs: Loc[]): fc.Arbitrary<Loc> => {
  const body = locs.filter((l) => l.in === 'body');
  const rest = locs.filter((l) => l.in !== 'body');
  if (!body.length || !rest.length) return fc.constantFrom(...locs);
  return fc.oneof({ arbitrary: fc.constantFrom(...body), weight: 3 }, { arbitrary: fc.constantFrom(...rest), weight: 1 });
};
const onOneOf = (locs: Loc[], f: (l: Loc) => fc.Arbitrary<Mutation>, none: () => fc.Arbitrary<Mutation>) =>
  locs.length ? pickLoc(locs).chain(f) : none();

const UNKNOWN_KEYS = ['unknownField', '__proto__', 'constructor', 'prototype', 'toString', 'x'.repeat(200), 'kind ', '$where', ''];
const UNKNOWN_VALUES: unknown[] = ['zqunknown1', 1, null, {}, { polluted: true }];

/**
 * Whether a variant has anything to work on in this operation (a GET without parameters has no
 * field to retype or date to stretch): the others would only repeat a valid request.
 */
export function applies(variant: Variant, op: Operation, resolve: (s: JsonSchema) => JsonSchema): boolean {
  const schemas = [...op.params.map((p) => p.schema), ...Object.values(op.body ?? {})];
  const has = (test: (s: JsonSchema) => boolean) => schemas.some((s) => walk(s, resolve, test));
  switch (variant) {
    case 'wrong_type':
    case 'missing_field':
    case 'hostile_text':
      return schemas.length > 0;
    case 'extreme_number':
      return has((s) => s.type === 'integer' || s.type === 'number' || (Array.isArray(s.type) && (s.type.includes('integer') || s.type.includes('number'))));
    case 'extreme_date':
      return has((s) => s.format === 'date' || s.format === 'date-time');
    case 'wrong_media_type':
      return op.body !== undefined;
    case 'bad_auth':
      return !op.public;
    default:
      return true;
  }
}

function walk(schema: JsonSchema, resolve: (s: JsonSchema) => JsonSchema, test: (s: JsonSchema) => boolean, depth = 0): boolean {
  const s = resolve(schema);
  if (depth > 10) return false;
  if (test(s)) return true;
  const children = [
    ...Object.values((s.properties ?? {}) as Record<string, JsonSchema>),
    ...((s.oneOf ?? s.anyOf ?? []) as JsonSchema[]),
    ...(s.items ? [s.items as JsonSchema] : []),
  ];
  return children.some((c) => walk(c, resolve, test, depth + 1));
}

export function mutation(variant: Variant, op: Operation, d: Draft): fc.Arbitrary<Mutation> {
  const locs = locations(d);
  const valueLocs = locs.filter((l) => l.in !== 'body' || l.path.length > 0);
  const declaredQuery = op.params.filter((p) => p.in === 'query');
  switch (variant) {
    case 'valid':
      return unchanged(d, 'as generated');
    case 'wrong_type':
      return onOneOf(locs, (l) => fc.constantFrom(...ANY_TYPE.filter((v) => typeOf(v) !== typeOf(l.value)))
        .map((v) => ({ draft: setAt(d, l, v), tweaks: {}, note: `${where(l)} <- ${typeOf(v)} (was ${typeOf(l.value)})` })), () => unchanged(d, 'nothing to retype'));
    case 'missing_field':
      return onOneOf(valueLocs.filter((l) => l.in !== 'path').concat(d.body ? [{ in: 'body', path: [], value: d.body.value }] : []),
        (l) => fc.constant({ draft: setAt(d, l, undefined), tweaks: {}, note: `${where(l)} removed` }), () => unchanged(d, 'nothing to remove'));
    case 'unknown_field': {
      const objects = locs.filter((l) => l.in === 'body' && l.value !== null && typeof l.value === 'object' && !Array.isArray(l.value) && !(l.value instanceof RawJson));
      const inQuery = fc.constantFrom('unknownParam', '__proto__', 'constructor', 'Limit', 'q').map((k) => {
        const out = clone(d);
        // defineProperty: `query.__proto__ = ...` would set the prototype, not send a parameter.
        Object.defineProperty(out.query, k, { value: 'zqunknown2', enumerable: true, writable: true, configurable: true });
        return { draft: out, tweaks: {}, note: `unknown query parameter ${JSON.stringify(k)}` };
      });
      const inBody = objects.length
        ? fc.tuple(fc.constantFrom(...objects), fc.constantFrom(...UNKNOWN_KEYS), fc.constantFrom(...UNKNOWN_VALUES)).map(([l, k, v]) => ({
          draft: setAt(d, { in: 'body', path: [...(l as { path: Path }).path, k], value: undefined }, clone(v)),
          tweaks: {},
          note: `unknown field ${JSON.stringify(k.length > 20 ? `${k.slice(0, 8)}...(${k.length})` : k)} in ${where(l)}`,
        }))
        : undefined;
      return inBody ? fc.oneof(inBody, inQuery) : inQuery;
    }
    case 'hostile_text': {
      const texts = locs.filter((l) => typeof l.value === 'string');
      return onOneOf(texts.length ? texts : valueLocs, (l) => hostileText.map((v) => ({ draft: setAt(d, l, v), tweaks: {}, note: `${where(l)} <- ${describeValue(v)}` })),
        () => unchanged(d, 'no field for text'));
    }
    case 'extreme_number': {
      const numbers: Loc[] = locs.filter((l) => typeof l.value === 'number' || l.value instanceof RawJson);
      const queryNums = declaredQuery.filter((p) => p.schema.type === 'integer' || p.schema.type === 'number' || (Array.isArray(p.schema.type) && p.schema.type.includes('integer')));
      const choices: fc.Arbitrary<Mutation>[] = [];
      if (numbers.length) choices.push(fc.tuple(pickLoc(numbers), extremeNumber).map(([l, v]) => ({ draft: setAt(d, l, v), tweaks: {}, note: `${where(l)} <- number ${describeValue(v)}` })));
      if (queryNums.length) choices.push(fc.tuple(fc.constantFrom(...queryNums), extremeNumberText).map(([p, v]) => ({ draft: setAt(d, { in: 'query', name: p.name, value: '' }, v), tweaks: {}, note: `query ${p.name} <- ${JSON.stringify(v)}` })));
      return choices.length ? fc.oneof(...choices) : unchanged(d, 'no number to stretch');
    }
    case 'extreme_date': {
      const dates: Loc[] = locs.filter((l) => typeof l.value === 'string' && /^\d{4}-\d\d-\d\d/.test(l.value));
      const queryDates = declaredQuery.filter((p) => p.schema.format === 'date' || p.schema.format === 'date-time').map((p) => ({ in: 'query' as const, name: p.name, value: '' }));
      return onOneOf([...dates, ...queryDates], (l) => extremeAnyDate.map((v) => ({ draft: setAt(d, l, v), tweaks: {}, note: `${where(l)} <- ${v}` })), () => unchanged(d, 'no date to stretch'));
    }
    case 'wrong_media_type':
      return wrongMediaType(op, d);
    case 'bad_encoding':
      return badEncoding(op, d);
    case 'oversize':
      return oversize(op, d);
    case 'bad_auth':
      return fc.constantFrom('Bearer', 'Bearer ', `Bearer ${'a'.repeat(10_000)}`, 'Basic dXNlcjpwYXNz', 'Bearer {token} extra', 'bearer {token}', '{token}',
        'Bearer 0000000000000000000000000000000000000000000000000000000000000000', 'Bearer %00', 'Bearer ../../etc', 'Bearer {token}, Bearer {token}')
        .map((a) => ({ draft: d, tweaks: { authorization: a }, note: `Authorization: ${a.length > 40 ? `${a.slice(0, 12)}...(${a.length})` : a}` }));
  }
}
