/**
 * Bad input gets a 4xx application/problem+json naming each bad field (never echoing values),
 * and changes nothing in the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './auth.fixture';

let w: World;
let token: string;
let initial: Record<string, number>;

const TABLES = ['needs', 'need_status_history', 'outbox', 'idempotency_keys'] as const;

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) {
    const row = await w.database.db.selectFrom(t).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    out[t] = Number(row.n);
  }
  return out;
}

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: { path: (string | number)[]; message: string; in?: string }[];
}

async function problem(res: Response, status: number): Promise<Problem> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await res.json()) as Problem;
  expect(body.status).toBe(status);
  expect(body.title).toBeTruthy();
  expect(body.type).toMatch(/^\/problems\//);
  return body;
}

const paths = (p: Problem) => (p.errors ?? []).map((e) => e.path.join('.'));

beforeAll(async () => {
  w = await startWorld('badinput', { env: { BODY_LIMIT_JSON_BYTES: '2048' } });
  token = await w.login('admin');
});
afterAll(async () => w?.close());

const post = (body: unknown, headers: Record<string, string> = {}, householdId = w.grid.h1) =>
  w.request('POST', `/api/households/${householdId}/needs`, { token, body, headers });

describe('bad input is refused with a problem document and writes nothing', () => {
  beforeAll(async () => {
    initial = await counts();
  });

  it('wrong types: each field named, values not echoed', async () => {
    const p = await problem(await post({ kind: 'medicine', details: { drug: 42, strength: 'SECRET-STRENGTH', quantity: 'lots' } }), 422);
    expect(paths(p)).toEqual(expect.arrayContaining(['details.drug', 'details.quantity']));
    expect(JSON.stringify(p)).not.toContain('lots');
    expect(JSON.stringify(p)).not.toContain('SECRET');
  });

  it('unknown fields, at the top and inside details', async () => {
    const p = await problem(await post({ kind: 'gas', details: { cylinders: 1, colour: 'red' }, owner: 'x' }), 422);
    expect(paths(p)).toEqual(expect.arrayContaining(['owner', 'details.colour']));
    expect(p.errors?.every((e) => e.in === 'body')).toBe(true);
  });

  it('unknown kind', async () => {
    const p = await problem(await post({ kind: 'caviar', details: {} }), 422);
    expect(paths(p)).toContain('kind');
  });

  it('bad dates: malformed, impossible and in the past', async () => {
    expect(paths(await problem(await post({ kind: 'boxed_meal', details: { date: '23/11/2026', meals: 1 } }), 422))).toContain('details.date');
    expect(paths(await problem(await post({ kind: 'boxed_meal', details: { date: '2026-02-30', meals: 1 } }), 422))).toContain('details.date');
    const pass = { reason: 'x', hospital: 'y', appointmentAt: '2020-01-01T09:00:00Z' };
    expect(paths(await problem(await post({ kind: 'medical_pass', details: pass }), 422))).toContain('details.appointmentAt');
    expect(paths(await problem(await post({ kind: 'medical_pass', details: { ...pass, appointmentAt: 'tomorrow' } }), 422))).toContain('details.appointmentAt');
    expect(paths(await problem(await post({ kind: 'food_package', details: { cycle: '2026-W77' } }), 422))).toContain('details.cycle');
  });

  it('oversize body: 413', async () => {
    await problem(await post({ kind: 'gas', details: { cylinders: 1, notes: 'x'.repeat(5000) } }), 413);
  });

  it('malformed JSON: 400', async () => {
    await problem(await post('{"kind": "gas", "details": {'), 400);
  });

  it('not JSON at all: 415', async () => {
    await problem(await post('kind=gas', { 'content-type': 'application/x-www-form-urlencoded' }), 415);
  });

  it('a bad household id in the path is named as a path parameter', async () => {
    const p = await problem(await post({ kind: 'gas', details: { cylinders: 1 } }, {}, 'not-a-uuid'), 422);
    expect(p.errors?.[0]).toMatchObject({ path: ['householdId'], in: 'path' });
  });

  it('an unknown household: 404; an unknown route: 404 problem', async () => {
    await problem(await post({ kind: 'gas', details: { cylinders: 1 } }, {}, '00000000-0000-4000-8000-000000000000'), 404);
    await problem(await w.request('GET', '/api/nowhere', { token }), 404);
  });

  it('a malformed Idempotency-Key header is named', async () => {
    const p = await problem(await post({ kind: 'gas', details: { cylinders: 1 } }, { 'idempotency-key': 'x' }), 422);
    expect(p.errors?.[0]).toMatchObject({ path: ['Idempotency-Key'], in: 'header' });
  });

  it('no token: 401', async () => {
    const res = await w.request('POST', `/api/households/${w.grid.h1}/needs`, { body: { kind: 'gas', details: { cylinders: 1 } } });
    await problem(res, 401);
  });

  it('a bad query parameter is named', async () => {
    const p = await problem(await w.request('GET', `/api/corridors/${w.grid.c1}/households?limit=abc&sort=x`, { token }), 422);
    expect(paths(p)).toEqual(expect.arrayContaining(['limit', 'sort']));
  });

  it('nothing was written by any of the above', async () => {
    await post({ kind: 'rice', details: { kg: 1000 } });
    expect(await counts()).toEqual(initial);
  });
});

describe('the document and the audit trail', () => {
  it('serves an OpenAPI document generated from the schemas', async () => {
    const res = await w.request('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/households/{householdId}/needs', '/api/corridors/{corridorId}/needs/import', '/api/needs/{needId}/cancel']));
    expect(doc.components.schemas).toHaveProperty('NeedInput');
  });

  it('a valid need writes its audit row with the same statement', async () => {
    const res = await post({ kind: 'rice', details: { kg: 10 } });
    expect(res.status).toBe(201);
    const { need } = (await res.json()) as { need: { id: string } };
    const rows = await w.database.db.withTables<{ audit_log: { subject_id: string; action: string; actor_id: string } }>().selectFrom('audit_log').selectAll().where('subject_id', '=', need.id).execute();
    expect(rows).toMatchObject([{ action: 'need.create', actor_id: w.users.admin.id }]);
  });

  it('health reports the database', async () => {
    const res = await w.request('GET', '/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', checks: { db: 'ok' } });
  });
});
