/**
 * The fleet (issue #15, item 3) on PostgreSQL: depots, vehicles and drivers created, changed,
 * retired and listed through the API, and imported (CSV and .xlsx, matched by name / plate /
 * name and phone, re-import updates, broken files with line and column, dry run); admins write,
 * dispatchers read, the rest are refused (403, audited); bad input names the field; every change audited.
 */
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameKey, phoneKey } from '../../src/domain/fleet';
import { startWorld, type World } from './auth.fixture';

let w: World;
const tokens: Record<string, string> = {};
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

beforeAll(async () => {
  w = await startWorld('fleetapi');
  for (const role of ['admin', 'community_staff', 'coordinator', 'dispatcher', 'driver', 'resident'] as const) tokens[role] = await w.login(role);
});
afterAll(async () => w?.close());

type Body = Record<string, unknown> & { errors?: { path: string[] }[]; rows?: { line: number; column: string | null; reason: string }[] };
async function call(method: string, path: string, body?: unknown, token = tokens.admin): Promise<{ status: number; body: Body }> {
  const res = await w.request(method, path, { token, ...(body !== undefined ? { body } : {}) });
  return { status: res.status, body: (await res.json()) as Body };
}
async function upload(kind: string, file: string | Uint8Array, query = '', type = 'text/csv', token = tokens.admin): Promise<{ status: number; body: Body }> {
  const res = await fetch(`${w.url}/api/${kind}/import${query}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body: file });
  return { status: res.status, body: (await res.json()) as Body };
}
const auditOf = (subjectId: string) => w.database.db.selectFrom('audit_log').select(['action', 'outcome']).where('subject_id', '=', subjectId).orderBy('id').execute();
const paths = (b: Body) => (b.errors ?? []).map((e) => e.path.join('.')).sort();

describe('fleet API', () => {
  let depotId = '';
  let vanId = '';
  let driverId = '';

  it('creates a depot, a vehicle and a driver (admin), each audited, and lists them for dispatchers', async () => {
    const depot = await call('POST', '/api/depots', { name: 'North Yard', lat: 31.25, lon: 121.5, opensAt: '06:00', closesAt: '22:00' });
    expect(depot.status).toBe(201);
    depotId = depot.body.id as string;
    const van = await call('POST', '/api/vehicles', {
      plate: '沪A·F0001', name: 'Van N1', depotId, capacity: { bags: 60, kg: 700, cylinders: 8 }, skills: ['protective', 'gas_licence'], maxTrips: 3,
      availability: [{ from: '2026-12-01T00:00:00+08:00', until: '2026-12-31T00:00:00+08:00' }],
    });
    expect(van.status).toBe(201);
    expect(van.body).toMatchObject({ plate: '沪A·F0001', label: 'Van N1 (沪A·F0001)', capacity: { bags: 60, kg: 700, cylinders: 8 }, maxTrips: 3, reloadMinutes: 20, active: true });
    vanId = van.body.id as string;
    const driver = await call('POST', '/api/drivers', { name: 'Li Wei', phone: '+86 139 0000 0001', depotId, licenceClasses: ['b', 'C1'] });
    expect(driver.status).toBe(201);
    expect(driver.body).toMatchObject({ licenceClasses: ['B', 'C1'], account: null });
    driverId = driver.body.id as string;
    for (const id of [depotId, vanId, driverId]) expect((await auditOf(id)).map((a) => a.action)[0]).toMatch(/\.create$/);

    const list = await call('GET', `/api/vehicles?depotId=${depotId}`, undefined, tokens.dispatcher);
    expect(list.status).toBe(200);
    expect((list.body.vehicles as { id: string }[]).map((v) => v.id)).toEqual([vanId]);
    expect((await call('GET', '/api/drivers', undefined, tokens.dispatcher)).status).toBe(200);
  });

  it('refuses a plate, depot name or driver (name and phone) already taken (409 naming the field), whatever the spacing and case', async () => {
    expect(paths((await call('POST', '/api/vehicles', { plate: '沪a f-0001', name: 'Twin', depotId, capacity: {} })).body)).toEqual(['plate']);
    expect(paths((await call('POST', '/api/depots', { name: '  north   YARD ', lat: 31, lon: 121 })).body)).toEqual(['name']);
    const again = await call('POST', '/api/drivers', { name: 'li wei', phone: '+8613900000001', depotId });
    expect(again.status).toBe(409);
    expect(paths(again.body)).toEqual(['phone']);
  });

  it('refuses bad input naming each field, never echoing the value', async () => {
    const res = await call('POST', '/api/vehicles', { plate: 'X', name: '', depotId: 'nope', capacity: { bags: -1, tons: 3 }, skills: ['flying'], maxTrips: 0, availability: [{ from: '2026-12-02T10:00:00Z', until: '2026-12-01T10:00:00Z' }] });
    expect(res.status).toBe(422);
    expect(paths(res.body)).toEqual(['availability.0.until', 'capacity.bags', 'capacity.tons', 'depotId', 'maxTrips', 'name', 'plate', 'skills.0']);
    expect(JSON.stringify(res.body)).not.toContain('flying');
    expect(paths((await call('POST', '/api/depots', { name: 'Late', lat: 31, lon: 121, opensAt: '18:00', closesAt: '08:00' })).body)).toEqual(['closesAt']);
    expect(paths((await call('POST', '/api/vehicles', { plate: 'ZZ-1', name: 'Nowhere', depotId: '00000000-0000-4000-8000-000000000000', capacity: {} })).body)).toEqual(['depotId']);
    expect((await call('PATCH', `/api/vehicles/${vanId}`, {})).status).toBe(422);
  });

  it('only admins write; dispatchers read; other roles are refused (403, audited)', async () => {
    for (const role of ['community_staff', 'coordinator', 'dispatcher', 'driver', 'resident'] as const) {
      expect((await call('PATCH', `/api/vehicles/${vanId}`, { maxTrips: 2 }, tokens[role])).status, role).toBe(403);
    }
    for (const role of ['community_staff', 'coordinator', 'driver', 'resident'] as const) expect((await call('GET', '/api/drivers', undefined, tokens[role])).status, role).toBe(403);
    expect((await auditOf(vanId)).filter((a) => a.outcome === 'denied')).toHaveLength(5);
  });

  it('changes a vehicle (plate too) and a driver, audited; retires them, never deleting; a retired plate can be given again', async () => {
    const changed = await call('PATCH', `/api/vehicles/${vanId}`, { plate: '沪A·F0002', capacity: { bags: 40 } });
    expect(changed.body).toMatchObject({ plate: '沪A·F0002', capacity: { bags: 40 }, skills: ['protective', 'gas_licence'] });
    expect((await call('PATCH', `/api/drivers/${driverId}`, { phone: '+86 139 0000 0009' })).body).toMatchObject({ phone: '+86 139 0000 0009' });

    expect(paths((await call('POST', `/api/depots/${depotId}/retire`)).body)).toEqual([]);
    expect((await call('POST', `/api/depots/${depotId}/retire`)).status).toBe(409);
    expect((await call('POST', `/api/vehicles/${vanId}/retire`)).body).toMatchObject({ active: false });
    expect((await call('POST', `/api/vehicles/${vanId}/retire`)).status).toBe(409);
    expect((await call('PATCH', `/api/vehicles/${vanId}`, { maxTrips: 2 })).status).toBe(409);
    expect((await call('POST', `/api/drivers/${driverId}/retire`)).status).toBe(200);
    expect((await call('POST', `/api/depots/${depotId}/retire`)).status).toBe(200);
    expect(await w.database.db.selectFrom('vehicles').select('active').where('id', '=', vanId).executeTakeFirst()).toEqual({ active: false });
    expect((await auditOf(vanId)).map((a) => a.action)).toContain('vehicle.retire');
    expect(((await call('GET', '/api/vehicles?includeRetired=true')).body.vehicles as { id: string }[]).some((v) => v.id === vanId)).toBe(true);
    expect(((await call('GET', '/api/vehicles')).body.vehicles as { id: string }[]).some((v) => v.id === vanId)).toBe(false);

    const depot = await call('POST', '/api/depots', { name: 'North Yard', lat: 31.25, lon: 121.5 });
    expect(depot.status).toBe(201);
    expect((await call('POST', '/api/vehicles', { plate: '沪A·F0002', name: 'Van N1b', depotId: depot.body.id, capacity: { bags: 60 } })).status).toBe(201);
  });

  it('a vehicle on a round being planned or on the road is not retired (409)', async () => {
    const depot = (await sql<{ id: string }>`select id from depots where name = 'Depot'`.execute(w.database.db)).rows[0]!.id;
    const van = await call('POST', '/api/vehicles', { plate: 'BUSY-1', name: 'Busy van', depotId: depot, capacity: { bags: 10 } });
    const round = (await sql<{ id: string }>`insert into rounds (area_id, kind, status, time_limit_ms, created_by) values (${w.grid.m1}, 'food', 'proposed', 1000, 'test') returning id`.execute(w.database.db)).rows[0]!.id;
    await sql`insert into round_trips (round_id, id, vehicle_id, depot_id, trip_no, subproblem_id, distance_m, duration_s) values (${round}, 't1', ${van.body.id as string}, ${depot}, 1, 's1', 0, 0)`.execute(w.database.db);
    expect((await call('POST', `/api/vehicles/${van.body.id as string}/retire`)).status).toBe(409);
  });

  it('the database’s match keys are the domain’s', async () => {
    const rows = await sql<{ name: string; name_key: string; phone: string | null; phone_key: string }>`select name, name_key, phone, phone_key from drivers`.execute(w.database.db);
    for (const r of rows.rows) expect([r.name_key, r.phone_key]).toEqual([nameKey(r.name), phoneKey(r.phone)]);
  });
});

describe('fleet import', () => {
  const depots = 'name,lat,lon,opens_at,closes_at\nImp East Depot,31.21,121.47,07:00,21:00\nImp West Depot,31.19,121.41,,\n';
  const vehicles = (bags = 60) => [
    'plate,name,depot,bags,kg,cylinders,litres,seats,skills,max_trips,reload_minutes,availability',
    `沪B·00001,East 1,Imp East Depot,${bags},700,,2500,,protective;cold_chain,3,20,`,
    '沪B·00002,,imp west depot,40,,12,,,gas_licence,1,,2026-12-01T00:00:00+08:00/2026-12-31T00:00:00+08:00',
  ].join('\n');
  const drivers = 'name,phone,depot,licence_classes,skills\nImp Zhang,+86 137 0000 0001,Imp East Depot,B;C1,protective\nImp Wang,+86 137 0000 0002,Imp West Depot,B,\n';

  it('imports depots, vehicles and drivers; a re-import updates without duplicating; unchanged rows are not written', async () => {
    expect((await upload('depots', depots)).body).toMatchObject({ rows: 2, created: 2, updated: 0 });
    const first = await upload('vehicles', vehicles());
    expect(first.body).toMatchObject({ rows: 2, created: 2, updated: 0, unchanged: 0 });
    expect((await upload('drivers', drivers)).body).toMatchObject({ rows: 2, created: 2 });

    const vans = (await call('GET', '/api/vehicles')).body.vehicles as { plate: string; name: string; capacity: Record<string, number>; skills: string[]; availability: unknown[]; maxTrips: number; id: string }[];
    const b1 = vans.find((v) => v.plate === '沪B·00001')!;
    const b2 = vans.find((v) => v.plate === '沪B·00002')!;
    expect(b1).toMatchObject({ name: 'East 1', capacity: { bags: 60, kg: 700, litres: 2500 }, skills: ['protective', 'cold_chain'], maxTrips: 3 });
    expect(b2).toMatchObject({ name: '沪B·00002', capacity: { bags: 40, cylinders: 12 }, availability: [{ from: '2026-12-01T00:00:00+08:00', until: '2026-12-31T00:00:00+08:00' }] });

    expect((await upload('vehicles', vehicles())).body).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect((await upload('vehicles', vehicles(55))).body).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    expect((await upload('drivers', drivers)).body).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    const count = await sql<{ n: string }>`select count(*) as n from vehicles where plate_key like '沪B%'`.execute(w.database.db);
    expect(Number(count.rows[0]!.n)).toBe(2);
    expect((await auditOf(b1.id)).map((a) => a.action)).toEqual(['vehicle.create', 'vehicle.update']);
  });

  it('refuses a broken file whole, naming line, column and reason; writes nothing', async () => {
    const file = [
      'plate,name,depot,bags,skills,max_trips,availability',
      'IMP-01,A,Imp East Depot,60,,1,',
      'IMP-02,B,No Such Depot,60,,1,',
      'IMP-03,C,Imp East Depot,lots,flying,99,',
      'imp 01,D,Imp East Depot,10,,1,',
      ',E,Imp East Depot,10,,1,tomorrow/later',
    ].join('\n');
    const res = await upload('vehicles', file);
    expect(res.status).toBe(422);
    expect([...new Set(res.body.rows?.map((r) => `${r.line}:${r.column}`))]).toEqual(['3:depot', '4:bags', '4:skills', '4:max_trips', '5:plate', '6:plate', '6:availability']);
    expect(res.body.rows?.find((r) => r.line === 5)?.reason).toBe('the same vehicle (plate) as line 2');
    expect(JSON.stringify(res.body)).not.toContain('flying');
    expect(await w.database.db.selectFrom('vehicles').select('id').where('plate', '=', 'IMP-01').execute()).toEqual([]);
    expect((await upload('drivers', 'name,depot\nX,Imp East Depot\n')).body.rows).toEqual([{ line: 1, column: 'phone', reason: 'missing column' }]);
  });

  it('a dry run reports what would be created, updated and refused, writing nothing', async () => {
    const file = 'name,phone,depot,licence_classes\nImp Zhang,+86 137 0000 0001,Imp East Depot,C\nImp New,+86 137 0000 0003,Imp West Depot,B\nImp Bad,123,Imp West Depot,B\n';
    const res = await upload('drivers', file, '?dryRun=true');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, rows: 3, created: 1, updated: 1, unchanged: 0, refused: 1, problems: [{ line: 4, column: 'phone' }] });
    expect(await w.database.db.selectFrom('drivers').select('id').where('name', '=', 'Imp New').execute()).toEqual([]);
    const zhang = await w.database.db.selectFrom('drivers').select('licence_classes').where('name', '=', 'Imp Zhang').executeTakeFirstOrThrow();
    expect(zhang.licence_classes).toEqual(['B', 'C1']);
  });

  it('imports .xlsx the same way; only admins import (403, audited)', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('Depots');
    sheet.addRow(['name', 'lat', 'lon', 'opens_at', 'closes_at']);
    sheet.addRow(['Imp South Depot', 31.17, 121.44, '08:00', '18:00']);
    const res = await upload('depots', new Uint8Array(await wb.xlsx.writeBuffer()), '', XLSX);
    expect(res.body).toMatchObject({ rows: 1, created: 1 });
    expect((await call('GET', '/api/depots')).body.depots).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Imp South Depot', opensAt: '08:00', closesAt: '18:00' })]));
    expect((await upload('depots', depots, '', 'text/csv', tokens.dispatcher)).status).toBe(403);
    const denied = await w.database.db.selectFrom('audit_log').select('action').where('action', '=', 'depot.import').where('outcome', '=', 'denied').execute();
    expect(denied).toHaveLength(1);
  });
});
