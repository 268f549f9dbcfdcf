/**
 * Regression tests for the findings of the outside hostile-input test (issue #12), one per
 * finding, each named after what broke. Real PostgreSQL, the app in process on port 0.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kitInputSchema } from '../../src/domain/kit';
import { startWorld, type World } from './auth.fixture';

let w: World;
let admin: string;
let dispatcher: string;
let chief: string;

interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  errors?: { path: (string | number)[]; message: string; in?: string }[];
  [extension: string]: unknown;
}

async function problem(res: Response, status: number): Promise<Problem> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(text) as Problem;
  expect(body.status).toBe(status);
  expect(body.type).toBe(`/problems/${body.code}`);
  return body;
}

const paths = (p: Problem) => (p.errors ?? []).map((e) => `${e.in ?? 'body'}:${e.path.join('.')}`);

async function count(table: 'needs' | 'coordinator_assignments' | 'stock_lots' | 'emergency_cases'): Promise<number> {
  const row = await w.database.db.selectFrom(table as 'needs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A raw request, for what fetch won't send (a lying Content-Encoding, an over-long URL). */
function raw(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; type: string | undefined; body: string }> {
  const { port, hostname } = new URL(w.url);
  return new Promise((resolve, reject) => {
    // Node's client sends no Content-Length for a GET body on its own: say it, or the body reads as a second request.
    const headers = { ...init.headers, ...(init.body !== undefined ? { 'content-length': String(Buffer.byteLength(init.body)) } : {}) };
    const req = httpRequest({ host: hostname, port, path, method: init.method ?? 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

beforeAll(async () => {
  w = await startWorld('findings');
  [admin, dispatcher, chief] = await Promise.all([w.login('admin'), w.login('dispatcher'), w.login('coordinator')]);
});
afterAll(async () => w?.close());

describe('one request can no longer take the service down', () => {
  it('a kit variant with household-size bounds far outside 1-30 is refused without looping over them', () => {
    for (const [minMembers, maxMembers] of [[1, 1e9], [-1e308, 30], [-1e308, 1e308], [1, Number.MAX_SAFE_INTEGER]] as const) {
      const parsed = kitInputSchema.safeParse({ name: 'Box', variants: [{ name: 'all', minMembers, maxMembers, lines: [{ code: 'rice', quantity: 1 }] }] });
      expect(parsed.success).toBe(false);
      const fields = parsed.error!.issues.map((i) => i.path.join('.'));
      expect(fields.some((f) => f === 'variants.0.minMembers' || f === 'variants.0.maxMembers')).toBe(true);
    }
  });

  it('the same kit over HTTP answers 422 naming the bound, and the service keeps answering', async () => {
    const res = await w.request('PUT', '/api/stock/kits/box', { token: dispatcher, body: { name: 'Box', variants: [{ name: 'all', minMembers: -1e308, maxMembers: 1e9, lines: [{ code: 'rice', quantity: 1 }] }] } });
    const p = await problem(res, 422);
    expect(paths(p)).toEqual(expect.arrayContaining(['body:variants.0.minMembers', 'body:variants.0.maxMembers']));
    expect((await w.request('GET', '/health')).status).toBe(200);
  });
});

describe('a body that is not JSON is never read as {}', () => {
  it('PUT assignments with text/plain, a form or no body is refused (415) and keeps every assignment', async () => {
    const path = `/api/admin/users/${w.users.coordinator.id}/assignments`;
    const before = await count('coordinator_assignments');
    for (const headers of [{ 'content-type': 'text/plain' }, { 'content-type': 'application/x-www-form-urlencoded' }, {}] as Record<string, string>[]) {
      const body = headers['content-type'] === undefined ? undefined : 'corridorIds=';
      const res = await fetch(w.url + path, { method: 'PUT', headers: { ...headers, authorization: `Bearer ${admin}` }, ...(body !== undefined ? { body } : {}) });
      await problem(res, 415);
    }
    expect(await count('coordinator_assignments')).toBe(before);
    const me = await w.request('GET', '/api/auth/me', { token: chief });
    expect(((await me.json()) as { corridorIds: string[] }).corridorIds).toEqual([w.grid.c1]);
  });

  it('an operation without a body refuses one (415) instead of ignoring it', async () => {
    const res = await w.request('POST', `/api/admin/users/${w.users.spare.id}/revoke-sessions`, { token: admin, body: 'please', headers: { 'content-type': 'text/plain' } });
    await problem(res, 415);
  });

  it('a GET with a malformed JSON body is answered as a GET (the body is not read)', async () => {
    const res = await raw('/api/auth/me', { headers: { authorization: `Bearer ${chief}`, 'content-type': 'application/json' }, body: '{not json' });
    expect(res.status).toBe(200);
  });
});

describe('hostile text is refused with a 422 naming the field, never a 500', () => {
  it('a NUL character in the public login’s username', async () => {
    const p = await problem(await w.request('POST', '/api/auth/login', { body: { username: 'admin\u0000', password: 'x' } }), 422);
    expect(paths(p)).toEqual(['body:username']);
  });

  it('a NUL character in need notes, and nothing is stored', async () => {
    const before = await count('needs');
    const p = await problem(await w.request('POST', `/api/households/${w.grid.h1}/needs`, { token: chief, body: { kind: 'gas', details: { cylinders: 1, notes: 'gate\u0000code' } } }), 422);
    expect(paths(p)).toEqual(['body:details.notes']);
    expect(await count('needs')).toBe(before);
  });

  it('a lone UTF-16 surrogate in need details', async () => {
    // JSON.stringify writes a lone surrogate as the escape \ud83d, which JSON.parse turns back into one.
    const p = await problem(await w.request('POST', `/api/households/${w.grid.h1}/needs`, { token: chief, body: { kind: 'medicine', details: { drug: 'x\ud83d', strength: '5 mg', quantity: 1 } } }), 422);
    expect(paths(p)).toEqual(['body:details.drug']);
  });

  it('a NUL character in names and audit filters (query) and in a path parameter', async () => {
    const hospital = await problem(await w.request('POST', '/api/hospitals', { token: admin, body: { name: 'Ren\u0000ji', lat: 31.2, lon: 121.4 } }), 422);
    expect(paths(hospital)).toEqual(['body:name']);
    const audit = await problem(await w.request('GET', '/api/admin/audit?action=need%00.create', { token: admin }), 422);
    expect(paths(audit)).toEqual(['query:action']);
    await problem(await w.request('GET', `/api/stock/kits/rice%00`, { token: dispatcher }), 422);
  });

  it('a NUL character in a CSV cell is reported by line and column', async () => {
    const csv = `household_id,kind,cylinders,notes\n${w.grid.h1},gas,1,ok\n${w.grid.h2},gas,1,bad\u0000note\n`;
    const p = await problem(await w.request('POST', `/api/corridors/${w.grid.c1}/needs/import`, { token: chief, body: csv, headers: { 'content-type': 'text/csv' } }), 422);
    expect(p.rows).toEqual([{ line: 3, column: 'notes', reason: expect.stringMatching(/NUL/) }]);
  });

  it('an unknown hospital id on an emergency is a 422 naming hospitalId, not a foreign-key 500', async () => {
    const before = await count('emergency_cases');
    const p = await problem(await w.request('POST', `/api/households/${w.grid.h1}/emergencies`, { token: chief, body: { kind: 'acute_illness', hospitalId: '00000000-0000-4000-8000-000000000000' } }), 422);
    expect(paths(p)).toEqual(['body:hospitalId']);
    expect(await count('emergency_cases')).toBe(before);
  });

  it('a year-0000 date on a stock receipt is a 422 naming expiresOn', async () => {
    const depot = (await w.database.db.selectFrom('depots').select('id').executeTakeFirstOrThrow()).id;
    const before = await count('stock_lots');
    const p = await problem(await w.request('POST', '/api/stock/receipts', { token: dispatcher, body: { depotId: depot, itemCode: 'rice', quantity: 1, expiresOn: '0000-01-01' } }), 422);
    expect(paths(p)).toEqual(['body:expiresOn']);
    expect(await count('stock_lots')).toBe(before);
  });

  it('a body labelled Content-Encoding: gzip that is not gzip is a 400 problem', async () => {
    const res = await raw(`/api/households/${w.grid.h1}/needs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Bearer ${chief}` },
      body: JSON.stringify({ kind: 'gas', details: { cylinders: 1 } }),
    });
    expect(res.status).toBe(400);
    expect(res.type).toMatch(/^application\/problem\+json/);
  });
});

describe('problem documents keep their contract', () => {
  it('a 422 keeps code "validation" and never echoes the submitted item code', async () => {
    const depot = (await w.database.db.selectFrom('depots').select('id').executeTakeFirstOrThrow()).id;
    const res = await w.request('POST', '/api/stock/receipts', { token: dispatcher, body: { depotId: depot, itemCode: 'secret-item-42', quantity: 1 } });
    const text = await res.clone().text();
    const p = await problem(res, 422);
    expect(p.code).toBe('validation');
    expect(text).not.toContain('secret-item-42');
  });
});

describe('every answer is one the document lists', () => {
  it('an over-long URL gets a problem+json 431, not Node’s bare status line', async () => {
    const res = await raw(`/api/needs/${'x'.repeat(20_000)}`);
    expect(res.status).toBe(431);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect((JSON.parse(res.body) as Problem).status).toBe(431);
  });

  it('unknown query parameters are refused on routes without any, as on the others', async () => {
    const p = await problem(await w.request('GET', '/api/auth/me?verbose=1', { token: chief }), 422);
    expect(paths(p)).toEqual(['query:verbose']);
    const q = await problem(await w.request('GET', `/api/corridors/${w.grid.c1}/households?verbose=1`, { token: chief }), 422);
    expect(paths(q)).toEqual(['query:verbose']);
  });

  it('the document lists 400, 413, 415, 422, 431 and 503 on admin routes, with the problem schema', async () => {
    const doc = (await (await w.request('GET', '/api/openapi.json')).json()) as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>> };
    const put = doc.paths['/api/admin/users/{userId}/assignments']!.put!;
    for (const status of ['400', '401', '403', '404', '413', '415', '422', '431', '503']) {
      expect(put.responses[status]?.content?.['application/problem+json'], status).toBeDefined();
    }
    expect(doc.paths['/api/auth/me']!.get!.responses['415']).toBeUndefined();
  });
});

describe('smaller findings', () => {
  it('an unknown driver or community id is a 404, not 200 with an empty list', async () => {
    const nobody = '00000000-0000-4000-8000-000000000000';
    await problem(await w.request('GET', `/api/drivers/${nobody}/transport-trips`, { token: dispatcher }), 404);
    await problem(await w.request('GET', `/api/communities/${nobody}/passes`, { token: admin }), 404);
    await problem(await w.request('GET', `/api/communities/${nobody}/households`, { token: admin }), 404);
  });

  it('CSV import takes upper-case household ids as the JSON routes do', async () => {
    const csv = `household_id,kind,cylinders\n${w.grid.h2.toUpperCase()},gas,2\n`;
    const res = await w.request('POST', `/api/corridors/${w.grid.c1}/needs/import`, { token: chief, body: csv, headers: { 'content-type': 'text/csv' } });
    expect(res.status, await res.clone().text()).toBe(201);
  });

  it('a CSV column given twice is refused, not silently the last one', async () => {
    const csv = `household_id,kind,cylinders,cylinders\n${w.grid.h2},gas,1,4\n`;
    const p = await problem(await w.request('POST', `/api/corridors/${w.grid.c1}/needs/import`, { token: chief, body: csv, headers: { 'content-type': 'text/csv' } }), 422);
    expect(p.rows).toEqual([{ line: 1, column: 'cylinders', reason: 'column given twice' }]);
  });

  it('an unknown CSV column is named by position, its text not echoed', async () => {
    const csv = `household_id,kind,secret-column-text\n${w.grid.h2},gas,1\n`;
    const res = await w.request('POST', `/api/corridors/${w.grid.c1}/needs/import`, { token: chief, body: csv, headers: { 'content-type': 'text/csv' } });
    const text = await res.clone().text();
    await problem(res, 422);
    expect(text).not.toContain('secret-column-text');
  });
});

describe('duplicates without an Idempotency-Key do not add up', () => {
  it('a client retrying 100 times a request for 10 tablets makes one need for 10', async () => {
    const body = { kind: 'medicine', details: { drug: 'Amlodipine', strength: '5 mg', quantity: 10 } };
    const answers = await Promise.all(Array.from({ length: 100 }, () => w.request('POST', `/api/households/${w.grid.h3}/needs`, { token: admin, body })));
    expect(answers.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    const needs = await w.database.db.selectFrom('needs').select(['details']).where('household_id', '=', w.grid.h3).where('kind', '=', 'medicine').execute();
    expect(needs).toHaveLength(1);
    expect((needs[0]!.details as { quantity: number }).quantity).toBe(10);
    // Saying so adds: 10 more.
    const more = await w.request('POST', `/api/households/${w.grid.h3}/needs`, { token: admin, body: { ...body, onDuplicate: 'add' } });
    expect(more.status).toBe(200);
    expect(((await more.json()) as { need: { details: { quantity: number } } }).need.details.quantity).toBe(20);
  });
});

describe('fuzz findings', () => {
  it('a JSON body nested 20,000 deep is refused at once (the text walk was quadratic and held the event loop 15 s)', async () => {
    const body = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const p = await problem(await w.request('POST', '/api/hospitals', { body, headers: { 'content-type': 'application/json' } }), 422);
    expect(paths(p)).toEqual(['body:']);
    expect((await w.request('GET', '/health')).status).toBe(200);
  });

  it('the health probe and the document refuse unknown query parameters like every operation', async () => {
    await problem(await w.request('GET', '/health?verbose=1'), 422);
    await problem(await w.request('GET', '/api/openapi.json?x=1'), 422);
  });

  it('an item code already in the catalogue is a 409 naming the field, not echoing the code', async () => {
    const item = { code: 'secret-dup-code', name: 'Dup', unit: 'piece', weightKg: 1, volumeL: 1 };
    expect((await w.request('POST', '/api/stock/items', { token: dispatcher, body: item })).status).toBe(201);
    const res = await w.request('POST', '/api/stock/items', { token: dispatcher, body: item });
    const text = await res.clone().text();
    const p = await problem(res, 409);
    expect(paths(p)).toEqual(['body:code']);
    expect(text).not.toContain('secret-dup-code');
  });
});
