/**
 * One fuzz case of an operation: who calls (anonymous or one of the roles), a valid draft built
 * from the operation's own schemas, and one mutation of it. The CSV import's body is the one
 * schema the document cannot describe (a string): its rows are generated here, as cells, so the
 * mutations reach single cells.
 */
import fc from 'fast-check';
import { ROLES, type Role } from '../../src/domain/access';
import type { JsonSchema, Operation } from './document';
import { mutation, type Mutation, type Variant } from './mutate';
import type { Draft } from './request';
import { arbitraryFor, type SchemaContext } from './schema-arbitrary';

export type Caller = Role | 'anonymous';
export const CALLERS: readonly Caller[] = ['anonymous', ...ROLES];

export interface FuzzCase {
  caller: Caller;
  variant: Variant;
  mutation: Mutation;
}

const CSV_COLUMNS = ['household_id', 'kind', 'cylinders', 'kg', 'litres', 'notes'];
const CSV_KINDS = [['gas', 'cylinders', 4], ['rice', 'kg', 100], ['oil', 'litres', 20]] as const;

function csvRows(households: readonly string[]): fc.Arbitrary<string[][]> {
  const row = fc.tuple(fc.constantFrom(...households), fc.constantFrom(...CSV_KINDS), fc.integer({ min: 1, max: 100 }), fc.constantFrom('', 'second floor'))
    .map(([h, [kind, column, max], n, notes]) => CSV_COLUMNS.map((c) => (c === 'household_id' ? h : c === 'kind' ? kind : c === column ? String(1 + (n % max)) : c === 'notes' ? notes : '')));
  return fc.array(row, { minLength: 1, maxLength: 3 }).map((rows) => [CSV_COLUMNS, ...rows]);
}

const text = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v));

export function draftArbitrary(op: Operation, ctx: SchemaContext): fc.Arbitrary<Draft> {
  const group = (where: 'path' | 'query' | 'header') => {
    const params = op.params.filter((p) => p.in === where);
    const model = Object.fromEntries(params.map((p) => [p.name, arbitraryFor(p.schema, ctx, p.name)]));
    return fc.record(model, { requiredKeys: params.filter((p) => p.required || where === 'path').map((p) => p.name) }).map((values) => {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(values)) {
        const t = text(v);
        if (t !== undefined) out[k] = t;
      }
      return out;
    });
  };
  const media = op.body ? (Object.keys(op.body).find((m) => m.includes('json')) ?? Object.keys(op.body)[0]) : undefined;
  const body: fc.Arbitrary<Draft['body']> = !op.body || !media
    ? fc.constant(undefined)
    : media === 'text/csv'
      ? csvRows(ctx.pool('householdId') ?? ['00000000-0000-4000-8000-000000000000']).map((value) => ({ media, value }))
      : arbitraryFor(op.body[media] as JsonSchema, ctx).map((value) => ({ media, value }));
  return fc.record({ path: group('path'), query: group('query'), headers: group('header'), body }).map((d) => {
    const draft: Draft = { path: d.path, query: d.query, headers: d.headers };
    if (d.body) draft.body = d.body;
    return draft;
  });
}

/**
 * Every caller, the widest roles more often: admin may call nearly every operation, so its cases
 * reach the code behind authorization; the others mostly check that they are kept out.
 */
const WEIGHT: Record<Caller, number> = { anonymous: 1, resident: 1, coordinator: 1, community_staff: 1, driver: 1, dispatcher: 2, admin: 4 };

export function caseArbitrary(op: Operation, ctx: SchemaContext, variant: Variant, callers: readonly Caller[] = CALLERS): fc.Arbitrary<FuzzCase> {
  const caller = fc.oneof(...callers.map((c) => ({ arbitrary: fc.constant(c), weight: WEIGHT[c] })));
  return fc
    .record({ caller, variant: fc.constant(variant), draft: draftArbitrary(op, ctx) })
    .chain(({ caller, variant, draft }) => mutation(variant, op, draft).map((m) => ({ caller, variant, mutation: m })));
}
