/**
 * The household register import (issue #15, item 2) on PostgreSQL: CSV and .xlsx streamed in,
 * matched by corridor and address (a re-import updates, never duplicates), all or nothing per file
 * with a per-row report, dry run, and who may import what.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './auth.fixture';

let w: World;
const tokens: Record<string, string> = {};
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

beforeAll(async () => {
  w = await startWorld('hhimport', { env: { REGISTER_IMPORT_MAX_BYTES: '20000', REGISTER_IMPORT_MAX_ROWS: '300' } });
  await w.database.db.updateTable('areas').set({ lat: 31.22, lon: 121.42 }).where('kind', '=', 'corridor').execute();
  for (const role of ['admin', 'community_staff', 'coordinator'] as const) tokens[role] = await w.login(role);
});
afterAll(async () => w?.close());

interface Result { status: number; type: string | null; body: Record<string, unknown> & { rows?: { line: number; column: string | null; reason: string }[] } }

async function send(body: string | Uint8Array, query = '', token = tokens.community_staff, type = 'text/csv'): Promise<Result> {
  const res = await fetch(`${w.url}/api/households/import${query}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Result['body'] };
}

const householdsIn = async (corridor: string) =>
  w.database.db.selectFrom('households').selectAll().where('corridor_id', '=', corridor).where('address', 'ilike', 'Imp%').orderBy('address').execute();

describe('household register import', () => {
  const file = () => [
    'corridor_id,address,members,elderly_alone,cannot_cook,chronic_illness,pregnant,infant,phone,infection_status',
    `${w.grid.c1},Imp B1 U1 Flat 101,2,yes,no,,no,no,13800000001,negative`,
    `${w.grid.c1},Imp B1 U1 Flat 102,4,no,yes,yes,yes,yes,,close contact`,
    `${w.grid.c2},Imp B1 U2 Flat 201,1,y,n,n,n,n,+86 138 0000 0003,positive`,
  ].join('\n');

  it('imports a valid file: every row created, with defaults and the corridor’s coordinates, each audited', async () => {
    const res = await send(file());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: false, rows: 3, created: 3, updated: 0, unchanged: 0, refused: 0 });
    const c1 = await householdsIn(w.grid.c1);
    expect(c1.map((h) => [h.address, h.members, h.elderly_alone, h.cannot_cook, h.chronic_illness, h.pregnant, h.infant, h.phone, h.infection_status, h.lat])).toEqual([
      ['Imp B1 U1 Flat 101', 2, true, false, false, false, false, '13800000001', 'none', 31.22],
      ['Imp B1 U1 Flat 102', 4, false, true, true, true, true, null, 'close_contact', 31.22],
    ]);
    const audits = await w.database.db.selectFrom('audit_log').select(['action']).where('subject_id', 'in', c1.map((h) => h.id)).execute();
    expect(audits.map((a) => a.action).sort()).toEqual(['household.create', 'household.create']);
  });

  it('a re-import updates what changed and never duplicates; a column left out keeps its values; status changes are audited', async () => {
    const again = file().replace('Imp B1 U1 Flat 102,4', 'imp  b1 u1 FLAT 102,5').replace('+86 138 0000 0003,positive', '+86 138 0000 0003,none');
    const res = await send(again);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rows: 3, created: 0, updated: 2, unchanged: 1, infectionStatusChanged: 1 });
    expect((await householdsIn(w.grid.c1)).map((h) => [h.address, h.members])).toEqual([['Imp B1 U1 Flat 101', 2], ['imp  b1 u1 FLAT 102', 5]]);
    const [moved] = await householdsIn(w.grid.c2);
    expect(moved?.infection_status).toBe('none');
    const audit = await w.database.db.selectFrom('audit_log').select(['action']).where('subject_id', '=', moved!.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['household.create', 'household.update', 'household.infection_status.change']);
    // Only address and members: the phone, flags and status stay as they are.
    const partial = await send(`corridor_id,address,members\n${w.grid.c1},Imp B1 U1 Flat 101,3\n`);
    expect(partial.body).toMatchObject({ created: 0, updated: 1 });
    expect((await householdsIn(w.grid.c1))[0]).toMatchObject({ members: 3, phone: '13800000001', elderly_alone: true });
  });

  it('refuses a broken file whole, naming line, column and reason of each problem, writing nothing', async () => {
    const broken = [
      'corridor_id,address,members,infection_status,phone',
      `${w.grid.c1},Imp New Flat 901,2,none,`,
      `${w.grid.c1},Imp New Flat 902,zero,none,`,
      `not-a-uuid,Imp New Flat 903,2,none,`,
      `${w.grid.c1},,2,sick,12`,
      `${w.grid.c1},Imp New Flat 901,3,none,`,
    ].join('\n');
    const res = await send(broken);
    expect(res.status).toBe(422);
    expect(res.type).toContain('application/problem+json');
    expect(res.body.rows).toEqual([
      { line: 3, column: 'members', reason: expect.any(String) },
      { line: 4, column: 'corridor_id', reason: 'expected a corridor id (uuid)' },
      { line: 5, column: 'address', reason: 'required' },
      { line: 5, column: 'phone', reason: expect.stringContaining('digits') },
      { line: 5, column: 'infection_status', reason: expect.any(String) },
      { line: 6, column: 'address', reason: 'the same household (corridor and address) as line 2' },
    ]);
    expect(JSON.stringify(res.body)).not.toContain('sick');
    expect((await householdsIn(w.grid.c1)).some((h) => h.address.startsWith('Imp New'))).toBe(false);
  });

  it('refuses a bad header, malformed CSV and the wrong media type', async () => {
    const header = await send('address,members,colour\nx,1,red\n');
    expect(header.status).toBe(422);
    expect(header.body.rows).toEqual([
      { line: 1, column: null, reason: expect.stringContaining('unknown column (column 3') },
      { line: 1, column: 'corridor_id', reason: 'missing column: corridor_id, or community and corridor' },
    ]);
    const quoting = await send(`corridor_id,address,members\n${w.grid.c1},"Imp unclosed,2\n`);
    expect(quoting.status).toBe(422);
    expect(quoting.body.rows?.[0]?.reason).toMatch(/^malformed CSV/);
    // A quote opening mid-field is csv-parse's INVALID_OPENING_QUOTE, not a CSV_* code: it was a 500.
    const opening = await send(`corridor_id,address,members\n${w.grid.c1},Flat 1 "East",2\n`);
    expect(opening.status).toBe(422);
    expect(opening.body.rows?.[0]).toMatchObject({ line: 2, reason: expect.stringMatching(/^malformed CSV/) });
    expect((await send('{}', '', tokens.community_staff, 'application/json')).status).toBe(415);
  });

  it('a dry run reports what would be created, updated and refused, and writes nothing', async () => {
    const dry = [
      'community,corridor,address,members',
      'M1,C1,Imp B1 U1 Flat 101,7',
      'M1,C1,Imp Dry Flat 1,1',
      'M1,C9,Imp Dry Flat 2,1',
    ].join('\n');
    const res = await send(dry, '?dryRun=true');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, rows: 3, created: 1, updated: 1, refused: 1, problems: [{ line: 4, column: 'corridor', reason: 'no corridor of this name in this community' }] });
    expect((await householdsIn(w.grid.c1)).map((h) => [h.address, h.members])).toEqual([['Imp B1 U1 Flat 101', 3], ['imp  b1 u1 FLAT 102', 5]]);
    expect((await send(dry, '?dryRun=yes')).status).toBe(422);
  });

  it('imports an .xlsx file (first worksheet) the same way, rows by their spreadsheet row number', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Register');
    sheet.addRow(['Community', 'Corridor', 'Address', 'Members', 'Elderly_alone', 'Phone', 'Infection_status']);
    sheet.addRow(['M1', 'C2', 'Imp X Flat 1', 3, 'yes', 13900000001, 'positive']);
    sheet.addRow(['M1', 'C2', { richText: [{ text: 'Imp X ' }, { text: 'Flat 2' }] }, { formula: '1+1', result: 2 }, 'no', null, 'none']);
    const ok = await send(new Uint8Array(await book.xlsx.writeBuffer()), '', tokens.community_staff, XLSX);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ rows: 2, created: 2 });
    expect((await householdsIn(w.grid.c2)).filter((h) => h.address.startsWith('Imp X')).map((h) => [h.address, h.members, h.phone, h.infection_status]))
      .toEqual([['Imp X Flat 1', 3, '13900000001', 'positive'], ['Imp X Flat 2', 2, null, 'none']]);
    sheet.addRow(['M1', 'C2', 'Imp X Flat 3', 40]);
    const bad = await send(new Uint8Array(await book.xlsx.writeBuffer()), '', tokens.community_staff, XLSX);
    expect(bad.status).toBe(422);
    expect(bad.body.rows).toEqual([{ line: 4, column: 'members', reason: 'at most 30' }]);
    const garbage = await send(new Uint8Array(Buffer.from('this is not a zip file at all')), '', tokens.community_staff, XLSX);
    expect(garbage.status).toBe(422);
    expect(garbage.body.rows?.[0]?.reason).toMatch(/xlsx/);
  });

  it('refuses a file past the byte or row limit (413) while streaming, CSV and .xlsx alike, writing nothing', async () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `${w.grid.c2},Imp Big Flat ${i},1`);
    const big = await send(['corridor_id,address,members', ...rows(2000)].join('\n'));
    expect(big.status).toBe(413);
    expect(big.type).toContain('application/problem+json');
    expect((await send(['corridor_id,address,members', ...rows(301)].join('\n'))).status).toBe(413);
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Register');
    sheet.addRow(['corridor_id', 'address', 'members']);
    for (let i = 0; i < 3000; i++) sheet.addRow([w.grid.c2, `Imp Big Flat ${i} ${'x'.repeat(i % 50)}`, 1 + (i % 30)]);
    const buffer = new Uint8Array(await book.xlsx.writeBuffer());
    expect(buffer.length).toBeGreaterThan(20000);
    expect((await send(buffer, '', tokens.community_staff, XLSX)).status).toBe(413);
    expect((await householdsIn(w.grid.c2)).some((h) => h.address.startsWith('Imp Big'))).toBe(false);
  });

  it('community staff import only into their communities (the rows outside refused, the refusal audited); unit chiefs not at all', async () => {
    const outside = await send(`corridor_id,address,members\n${w.grid.c3},Imp M2 Flat 1,2\n`);
    expect(outside.status).toBe(422);
    expect(outside.body.rows).toEqual([{ line: 2, column: 'corridor_id', reason: 'this corridor is outside your communities' }]);
    const denied = await w.database.db.selectFrom('audit_log').select(['action']).where('actor_id', '=', w.users.community_staff.id).where('outcome', '=', 'denied').execute();
    expect(denied.map((d) => d.action)).toContain('household.import');
    expect((await send(`corridor_id,address,members\n${w.grid.c3},Imp M2 Flat 1,2\n`, '', tokens.admin)).body).toMatchObject({ created: 1 });
    expect((await send(`corridor_id,address,members\n${w.grid.c1},Imp C Flat 1,2\n`, '', tokens.coordinator)).status).toBe(403);
  });
});
