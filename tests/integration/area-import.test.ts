/**
 * The grid import (issue #15, item 1) on PostgreSQL: CSV and .xlsx, one row per area with its
 * parent by name path or id; a re-import updates and never duplicates; all or nothing per file with
 * line, column and reason; dry run; who may import what; audit rows.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './auth.fixture';

let w: World;
const tokens: Record<string, string> = {};
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

beforeAll(async () => {
  w = await startWorld('areaimport', { env: { GRID_IMPORT_MAX_BYTES: '12000', GRID_IMPORT_MAX_ROWS: '50' } });
  for (const role of ['admin', 'community_staff', 'coordinator'] as const) tokens[role] = await w.login(role);
});
afterAll(async () => w?.close());

interface Result { status: number; body: Record<string, unknown> & { rows?: { line: number; column: string | null; reason: string }[] } }

async function send(body: string | Uint8Array, query = '', token = tokens.admin, type = 'text/csv'): Promise<Result> {
  const res = await fetch(`${w.url}/api/areas/import${query}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });
  return { status: res.status, body: (await res.json()) as Result['body'] };
}
const areasNamed = (like: string) =>
  w.database.db.selectFrom('areas').select(['id', 'kind', 'name', 'parent_id', 'community_id', 'lat', 'lon']).where('name', 'like', like).orderBy('name').execute();

const layout = [
  'level,name,parent,lat,lon',
  'street,Imp Street,D,31.30,121.50',
  'community,Imp Garden,Imp Street,31.31,121.51',
  'building,Imp Building 1,D / Imp Street / Imp Garden,31.311,121.511',
  'corridor,Imp B1 Unit 1,Imp Street / Imp Garden / Imp Building 1,31.3111,121.5111',
  'corridor,Imp B1 Unit 2,Imp Street / Imp Garden / Imp Building 1,,',
  'corridor,Imp Gate,Imp Street / Imp Garden,31.312,121.512',
].join('\n');

describe('grid import', () => {
  it('imports a whole layout in one file, parents before their areas, each area audited', async () => {
    const res = await send(layout);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ dryRun: false, rows: 6, created: 6, updated: 0, unchanged: 0, refused: 0 });
    const areas = await areasNamed('Imp %');
    const by = Object.fromEntries(areas.map((a) => [a.name, a]));
    const garden = by['Imp Garden']!;
    expect(garden.community_id).toBe(garden.id);
    expect(by['Imp B1 Unit 1']).toMatchObject({ kind: 'corridor', parent_id: by['Imp Building 1']!.id, community_id: garden.id, lat: 31.3111 });
    expect(by['Imp B1 Unit 2']).toMatchObject({ lat: null, lon: null });
    expect(by['Imp Gate']).toMatchObject({ parent_id: garden.id, community_id: garden.id });
    const audits = await w.database.db.selectFrom('audit_log').select('action').where('subject_id', 'in', areas.map((a) => a.id)).execute();
    expect(audits.map((a) => a.action)).toEqual(Array(6).fill('area.create'));
  });

  it('a re-import updates coordinates and never duplicates (names matched whatever the spacing and case); the API sees the same areas', async () => {
    const again = layout.replace('corridor,Imp B1 Unit 2,Imp Street / Imp Garden / Imp Building 1,,', 'corridor,imp  b1 UNIT 2,imp street / IMP GARDEN / Imp Building 1,31.3112,121.5112');
    const res = await send(again);
    expect(res.body).toMatchObject({ rows: 6, created: 0, updated: 1, unchanged: 5 });
    const unit2 = (await areasNamed('Imp B1 Unit %')).filter((a) => a.name === 'Imp B1 Unit 2');
    expect(unit2).toHaveLength(1);
    expect(unit2[0]).toMatchObject({ lat: 31.3112, lon: 121.5112 });
    expect((await areasNamed('Imp %')).length).toBe(6);
  });

  it('refuses a broken file whole, naming line, column and reason of each problem', async () => {
    const broken = [
      'level,name,parent,parent_id,lat,lon',
      'corridor,Brk Unit 1,Imp Street / Imp Garden / Imp Building 1,,31.3,121.5',
      'flat,Brk X,Imp Street,,,',
      'corridor,Brk Unit 2,Imp Street / Nowhere,,,',
      'corridor,Brk Unit 3,Imp Street,,,',
      `corridor,Brk Unit 4,,${w.grid.street},,`,
      'corridor,Brk Unit 5,Imp Street / Imp Garden,,95,121',
      'corridor,Brk Unit 6,Imp Street / Imp Garden,,31.3,',
      'corridor,,Imp Street / Imp Garden,,,',
      'corridor,Brk Unit 1,Imp Street / Imp Garden / Imp Building 1,,,',
      'building,Imp Gate,Imp Street / Imp Garden,,,',
    ].join('\n');
    const res = await send(broken);
    expect(res.status).toBe(422);
    expect(res.body.rows?.map((r) => [r.line, r.column])).toEqual([
      [3, 'level'], [4, 'parent'], [5, 'parent'], [6, 'parent_id'], [7, 'lat'], [8, 'lon'], [9, 'name'], [10, 'name'], [11, 'level'],
    ]);
    expect(res.body.rows?.[0]?.reason).toMatch(/expected one of district/);
    expect(res.body.rows?.[2]?.reason).toMatch(/goes under a building or community, not a street/);
    expect(res.body.rows?.[7]?.reason).toMatch(/same area .* as line 2/);
    expect(await areasNamed('Brk %')).toEqual([]);
    const header = await send('level,name,colour\nstreet,X,red\n');
    expect(header.status).toBe(422);
    expect(header.body.rows?.map((r) => r.column)).toEqual([null, 'parent']);
  });

  it('a dry run reports what would be created, updated and refused, and writes nothing', async () => {
    const file = ['level,name,parent,lat,lon', 'corridor,Dry Unit,Imp Street / Imp Garden,31.3,121.5', 'corridor,Imp Gate,Imp Street / Imp Garden,31.4,121.6', 'corridor,Dry Bad,Nowhere,,'].join('\n');
    const res = await send(file, '?dryRun=true');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, rows: 3, created: 1, updated: 1, unchanged: 0, refused: 1 });
    expect((res.body.problems as { line: number }[]).map((p) => p.line)).toEqual([4]);
    expect(await areasNamed('Dry %')).toEqual([]);
    expect((await areasNamed('Imp Gate'))[0]?.lat).toBe(31.312);
  });

  it('takes .xlsx too, parents by id', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('grid');
    ws.addRow(['level', 'name', 'parent_id', 'lat', 'lon']);
    ws.addRow(['corridor', 'Xl Unit 1', w.grid.b1, 31.2, 121.4]);
    ws.addRow(['corridor', 'Xl Unit 2', w.grid.m1, '', '']);
    const res = await send(new Uint8Array(await wb.xlsx.writeBuffer()), '', tokens.community_staff, XLSX);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ created: 2 });
    expect((await areasNamed('Xl %')).map((a) => [a.name, a.community_id])).toEqual([['Xl Unit 1', w.grid.m1], ['Xl Unit 2', w.grid.m1]]);
  });

  it('community staff import only inside their communities (the file refused, the denial audited); unit chiefs not at all', async () => {
    const res = await send('level,name,parent\ncorridor,Other Unit,S / M2 / B2\ncommunity,Staff Garden,S\n', '', tokens.community_staff);
    expect(res.status).toBe(422);
    expect(res.body.rows?.map((r) => [r.line, r.reason])).toEqual([[2, 'this area is outside your communities'], [3, 'this area is outside your communities']]);
    const denied = await w.database.db.selectFrom('audit_log').select('outcome').where('action', '=', 'area.import').where('actor_role', '=', 'community_staff').execute();
    expect(denied.map((d) => d.outcome)).toEqual(['denied']);
    expect((await send('level,name,parent\ncorridor,Chief Unit,S / M1 / B1\n', '', tokens.coordinator)).status).toBe(403);
  });

  it('refuses a file past the byte or row limit (413) and an unknown media type (415)', async () => {
    const rows = Array.from({ length: 51 }, (_, i) => `corridor,Lim ${i},S / M1 / B1`);
    expect((await send(['level,name,parent', ...rows].join('\n'))).status).toBe(413);
    expect((await send(`level,name,parent\n${'corridor,Big,S / M1 / B1\n'.repeat(600)}`)).status).toBe(413);
    expect((await send('{}', '', tokens.admin, 'application/json')).status).toBe(415);
    expect(await areasNamed('Lim %')).toEqual([]);
  });
});
