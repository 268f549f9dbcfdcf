/**
 * Exports of the grid, the register and the fleet (issue #15, item 7) on PostgreSQL: each file, CSV
 * and .xlsx, imported again as it is creates and changes nothing; scoped like the reads; the
 * register's export audited; refusals are problem documents.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './auth.fixture';

let w: World;
const tokens: Record<string, string> = {};
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const KINDS = { areas: 'grid', households: 'households', depots: 'depots', vehicles: 'vehicles', drivers: 'drivers' } as const;
type Kind = keyof typeof KINDS;

async function upload(kind: Kind, file: string | Uint8Array, type: string, token = tokens.admin!): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${w.url}/api/${kind}/import`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body: file });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
async function exported(kind: Kind, format: 'csv' | 'xlsx', token = tokens.admin!): Promise<{ status: number; type: string | null; bytes: Uint8Array; text: string }> {
  const res = await fetch(`${w.url}/api/${kind}/export?format=${format}`, { headers: { authorization: `Bearer ${token}` } });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type'), bytes, text: new TextDecoder().decode(bytes) };
}

beforeAll(async () => {
  w = await startWorld('tblexport');
  for (const role of ['admin', 'community_staff', 'coordinator', 'dispatcher', 'resident'] as const) tokens[role] = await w.login(role);
  // The fixture's drivers predate phone numbers, which the driver file matches on.
  await sql`update drivers set phone = '+86 139 0000 ' || lpad(id_seq::text, 4, '0') from (select id as did, row_number() over (order by id) as id_seq from drivers) t where drivers.id = t.did and phone is null`.execute(w.database.db);
  const ok = async (kind: Kind, csv: string) => { const r = await upload(kind, csv, 'text/csv'); expect([kind, r.status, r.body]).toMatchObject([kind, 200, {}]); };
  await ok('areas', 'level,name,parent,lat,lon\nbuilding,"Block 7, East",S / M1,31.2001,-0.5\ncorridor,"Unit ""A""","S / M1 / Block 7, East",31.20015,121.40001\nbuilding,楼 9,S / M2,,\ncorridor,单元 1,S / M2 / 楼 9,31.3,121.3\n');
  await ok('households', 'community,corridor,address,members,elderly_alone,chronic_illness,pregnant,phone,infection_status,lat,lon\n'
    + 'M1,"Unit ""A""","Flat 3, ""rear""",2,yes,no,yes,+86 138 0000 0001,close_contact,31.2,121.4\nM2,单元 1,三楼 301,1,no,yes,no,,positive,,\n');
  await ok('depots', 'name,lat,lon,opens_at,closes_at\n"Depot, North",31.25,-121.5,06:00,22:00\n');
  await ok('vehicles', 'plate,name,depot,bags,kg,seats,skills,max_trips,reload_minutes,availability,licence_class\n'
    + '沪A·E0001,Van E1,"Depot, North",60,700,,protective;cold_chain,3,15,2026-12-01T00:00:00.000Z/2026-12-31T00:00:00.000Z,C1\n沪A·E0002,Car E2,Depot,,,3,,1,0,,\n');
  await ok('drivers', 'name,phone,depot,licence_classes,skills\nWang Fang,+86 137 0000 0002,"Depot, North",B;C1,escort\n');
});
afterAll(async () => w?.close());

describe('exports', () => {
  for (const format of ['csv', 'xlsx'] as const) {
    it(`gives each ${format} file in the import's columns: imported again, nothing is created or changed`, async () => {
      for (const kind of Object.keys(KINDS) as Kind[]) {
        const file = await exported(kind, format);
        expect(file.status, kind).toBe(200);
        expect(file.type, kind).toContain(format === 'csv' ? 'text/csv' : XLSX);
        const again = await upload(kind, file.bytes, format === 'csv' ? 'text/csv' : XLSX);
        expect([kind, again.status, again.body.rows ? 'rows' : again.body]).toEqual([kind, 200, 'rows']);
        expect(again.body, kind).toMatchObject({ created: 0, updated: 0, refused: 0 });
        expect(again.body.rows, kind).toBeGreaterThan(0);
      }
    });
  }

  it('writes values as the imports read them (quoted names, name paths, yes/no, lists, windows)', async () => {
    const { bytes, text: grid } = await exported('areas', 'csv');
    // UTF-8 with a BOM, which a spreadsheet needs to read the Chinese names as such.
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(grid.startsWith('level,name,parent,parent_id,lat,lon\r\n')).toBe(true);
    expect(grid).toContain('corridor,"Unit ""A""","D / S / M1 / Block 7, East",,31.20015,121.40001\r\n');
    const households = (await exported('households', 'csv')).text;
    expect(households).toContain(',M1,"Unit ""A""","Flat 3, ""rear""",2,yes,no,no,yes,no,+86 138 0000 0001,close_contact,31.2,121.4\r\n');
    const vehicles = (await exported('vehicles', 'csv')).text;
    expect(vehicles).toContain('沪A·E0001,Van E1,"Depot, North",60,700,,,,protective;cold_chain,3,15,2026-12-01T00:00:00.000Z/2026-12-31T00:00:00.000Z,C1\r\n');
  });

  it('scopes like the reads: community staff and unit chiefs get their own part of the grid and register', async () => {
    const staffGrid = (await exported('areas', 'csv', tokens.community_staff)).text;
    expect(staffGrid).toContain('Block 7, East');
    expect(staffGrid).not.toContain('楼 9');
    expect(staffGrid).not.toMatch(/\r\ncommunity,/);
    const staffRegister = await exported('households', 'xlsx', tokens.community_staff);
    const again = await upload('households', staffRegister.bytes, XLSX, tokens.community_staff);
    expect(again.body).toMatchObject({ created: 0, updated: 0, refused: 0 });
    expect((await exported('households', 'csv', tokens.community_staff)).text).not.toContain('三楼 301');
    const chief = (await exported('households', 'csv', tokens.coordinator)).text;
    expect(chief).toContain('B1-C1-101');
    expect(chief).not.toContain('B1-C2-201');
    // Staff round trip of the grid: only what lies below their community, all of it theirs to import.
    expect((await upload('areas', staffGrid, 'text/csv', tokens.community_staff)).body).toMatchObject({ created: 0, updated: 0, refused: 0 });
  });

  it('audits each export of the register (personal data), denials too', async () => {
    const before = await w.database.db.selectFrom('audit_log').select(['action', 'outcome']).where('action', '=', 'household.export').execute();
    expect((await exported('households', 'csv', tokens.dispatcher)).status).toBe(200);
    expect((await exported('households', 'csv', tokens.resident)).status).toBe(403);
    const after = await w.database.db.selectFrom('audit_log').select(['action', 'outcome']).where('action', '=', 'household.export').execute();
    expect(after.length - before.length).toBe(2);
    expect(after.slice(before.length).map((a) => a.outcome).sort()).toEqual(['allowed', 'denied']);
  });

  it('refuses the fleet to community staff (403) and an unknown format (422 naming format), as problem documents', async () => {
    const denied = await exported('depots', 'csv', tokens.community_staff);
    expect(denied.status).toBe(403);
    const res = await fetch(`${w.url}/api/drivers/export?format=ods`, { headers: { authorization: `Bearer ${tokens.admin}` } });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(await res.json())).toContain('format');
  });
});
