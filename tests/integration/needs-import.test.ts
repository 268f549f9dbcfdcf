/** CSV import of a corridor's registration table: all rows or none, with a per-row error report. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './auth.fixture';

let w: World;
let coord: string;

beforeAll(async () => {
  w = await startWorld('csvimport', { env: { CSV_MAX_ROWS: '50', BODY_LIMIT_CSV_BYTES: '20000' } });
  coord = await w.login('coordinator');
});
afterAll(async () => w?.close());

const importCsv = (csv: string, token = coord, corridor = w.grid.c1, headers: Record<string, string> = {}) =>
  w.request('POST', `/api/corridors/${corridor}/needs/import`, { token, body: csv, headers: { 'content-type': 'text/csv', ...headers } });

async function needCount(): Promise<number> {
  const row = await w.database.db.selectFrom('needs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

const tomorrow = () => new Date(Date.now() + 86400_000).toISOString().slice(0, 10);
const HEADER = 'address,kind,cycle,drug,strength,quantity,urgency,date,meals,kg,hospital,reason,appointment_at,needs_escort';

interface Report {
  status: number;
  rows?: { line: number; column: string | null; reason: string }[];
  rowErrorCount?: number;
}

describe('CSV import', () => {
  it('takes every row of a clean table in one go, merging a repeated row', async () => {
    const before = await needCount();
    const csv = [
      HEADER,
      'B1-C1-101,food_package,,,,,,,,,,,,', // no cycle: the current one
      'B1-C1-101,medicine,,Metformin,500 mg,60,today,,,,,,,',
      'B1-C1-102,boxed_meal,,,,,,' + tomorrow() + ',4,,,,,',
      'B1-C1-102,rice,,,,,,,,10,,,,',
      `"B1-C1-102",medical_pass,,,,,,,,,Ruijin,"dialysis, weekly",${new Date(Date.now() + 3 * 86400_000).toISOString()},yes`,
      'B1-C1-101,medicine,,metformin,500 MG,30,,,,,,,,',
    ].join('\n');
    const res = await importCsv(csv);
    expect(res.status).toBe(201);
    const body = (await res.json()) as { imported: number; merged: number; needs: { line: number; needId: string; merged: boolean }[] };
    expect(body.imported).toBe(5);
    expect(body.merged).toBe(1);
    expect(body.needs.find((n) => n.line === 7)?.merged).toBe(true);
    expect(await needCount()).toBe(before + 5);
  });

  it('refuses the whole file when one row is bad, reporting line, column and reason of each problem', async () => {
    const before = await needCount();
    const csv = [
      HEADER,
      'B1-C1-101,gas,,,,,,,,,,,,', // gas without its cylinders column
      'B1-C1-102,rice,,,,,,,,lots,,,,',
      'B9-NOWHERE,oil,,,,,,,,,,,,',
      'B1-C1-101,medicine,,Metformin,,5,,,,,,,,',
      'B1-C1-101,boxed_meal,,,,,,2020-01-01,2,,,,,',
      'B1-C1-102,caviar,,,,,,,,,,,,',
      'B1-C1-102,rice,,Aspirin,,,,,,5,,,,',
    ].join('\n');
    const res = await importCsv(csv);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    const report = (await res.json()) as Report;
    const at = (line: number) => report.rows?.filter((r) => r.line === line).map((r) => r.column);
    expect(at(2)).toEqual(['cylinders']);
    expect(at(3)).toEqual(['kg']);
    expect(at(4)).toEqual(expect.arrayContaining(['address']));
    expect(at(5)).toEqual(['strength']);
    expect(at(6)).toEqual(['date']);
    expect(at(7)).toEqual(['kind']);
    expect(at(8)).toEqual(['drug']);
    expect(JSON.stringify(report)).not.toContain('lots');
    expect(await needCount()).toBe(before);
  });

  it('reports unknown and missing columns on the header line', async () => {
    const res = await importCsv('address,kind,flavour\nB1-C1-101,gas,mint\n');
    const report = (await res.json()) as Report;
    expect(res.status).toBe(422);
    expect(report.rows).toEqual([{ line: 1, column: null, reason: 'unknown column (column 3 of the header)' }]);
    const missing = (await (await importCsv('kind,kg\nrice,5\n')).json()) as Report;
    expect(missing.rows?.[0]).toMatchObject({ line: 1, column: 'address' });
  });

  it('malformed CSV (unclosed quote, ragged row) is refused with the line', async () => {
    const quote = (await (await importCsv('address,kind,kg\nB1-C1-101,rice,"5\n')).json()) as Report;
    expect(quote.status).toBe(422);
    expect(quote.rows?.[0]?.reason).toMatch(/malformed CSV/);
    const ragged = (await (await importCsv('address,kind,kg\nB1-C1-101,rice,5,extra\n')).json()) as Report;
    expect(ragged.rows?.[0]).toMatchObject({ line: 2, column: null });
  });

  it('limits rows and bytes', async () => {
    const rows = Array.from({ length: 51 }, (_, i) => `B1-C1-101,medicine,,Drug ${i},1 mg,1,,,,,,,,`);
    expect((await importCsv([HEADER, ...rows].join('\n'))).status).toBe(413);
    expect((await importCsv(HEADER + '\n' + 'x'.repeat(25_000))).status).toBe(413);
  });

  it('wants text/csv, and a corridor the caller works in', async () => {
    expect((await w.request('POST', `/api/corridors/${w.grid.c1}/needs/import`, { token: coord, body: { rows: [] } })).status).toBe(415);
    expect((await importCsv(`${HEADER}\nB1-C2-201,rice,,,,,,,,5,,,,`, coord, w.grid.c2)).status).toBe(403);
    expect((await importCsv(`${HEADER}\nB1-C1-101,rice,,,,,,,,5,,,,`, await w.login('driver'))).status).toBe(403);
  });

  it('is idempotent with a key', async () => {
    const withCylinders = 'address,kind,cylinders\nB1-C1-102,gas,1\n';
    const before = await needCount();
    const a = await importCsv(withCylinders, coord, w.grid.c1, { 'idempotency-key': 'csv-import-0001' });
    const b = await importCsv(withCylinders, coord, w.grid.c1, { 'idempotency-key': 'csv-import-0001' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(await b.json()).toEqual(await a.json());
    expect(await needCount()).toBe(before + 1);
  });
});
