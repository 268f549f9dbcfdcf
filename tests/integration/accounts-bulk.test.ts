/**
 * Accounts in bulk from the grid (issue #15, item 5) on PostgreSQL: counts, idempotence (a run
 * again creates only what is missing, never a second chief for a corridor), scope, corridors per
 * chief, the printable PDF sheet, first login forcing the password change, admins only, bad
 * input, audit rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './auth.fixture';
import { pdfTextRuns } from './pdf-text';

let w: World;
let admin: string;

interface Bulk {
  created: { coordinators: number; staff: number };
  corridorsAlreadyCovered: number;
  accounts: { userId: string; username: string; role: string; communityId: string; corridors: { id: string; name: string }[]; oneTimePassword: string }[];
}

beforeAll(async () => {
  w = await startWorld('accbulk');
  admin = await w.login('admin');
});
afterAll(async () => w?.close());

const bulk = (body: unknown, token = admin, headers: Record<string, string> = {}) => w.request('POST', '/api/admin/accounts/bulk', { token, body, headers });
const chiefsOf = async (corridorId: string) =>
  (await w.database.db.selectFrom('coordinator_assignments').select('user_id').where('corridor_id', '=', corridorId).execute()).map((r) => r.user_id);

/** A community of its own with `n` corridors named in Chinese, for the larger cases. */
async function community(name: string, n: number, street = w.grid.street): Promise<{ id: string; corridors: string[] }> {
  const db = w.database.db;
  const id = (await db.insertInto('areas').values({ kind: 'community', name, parent_id: street, community_id: null }).returning('id').executeTakeFirstOrThrow()).id;
  await db.updateTable('areas').set({ community_id: id }).where('id', '=', id).execute();
  const building = (await db.insertInto('areas').values({ kind: 'building', name: `${name}1号楼`, parent_id: id, community_id: id }).returning('id').executeTakeFirstOrThrow()).id;
  const rows = await db
    .insertInto('areas')
    .values(Array.from({ length: n }, (_, i) => ({ kind: 'corridor' as const, name: `${i + 1}单元`, parent_id: building, community_id: id })))
    .returning('id')
    .execute();
  return { id, corridors: rows.map((r) => r.id) };
}

describe('bulk accounts', () => {
  it('scoped to a community: a chief for each corridor without one and the staff it lacks; run again, nothing new', async () => {
    const res = await bulk({ areaId: w.grid.m2 });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Bulk;
    expect(body.created).toEqual({ coordinators: 1, staff: 1 });
    expect(body.accounts.every((a) => a.communityId === w.grid.m2)).toBe(true);
    const chief = body.accounts.find((a) => a.role === 'coordinator');
    expect(chief?.corridors).toEqual([{ id: w.grid.c3, name: 'C3' }]);
    expect(await chiefsOf(w.grid.c2)).toEqual([]);
    expect(await chiefsOf(w.grid.c3)).toEqual([chief?.userId]);

    const again = (await (await bulk({ areaId: w.grid.m2 })).json()) as Bulk;
    expect(again.created).toEqual({ coordinators: 0, staff: 0 });
    expect(again.corridorsAlreadyCovered).toBe(1);
    expect(await chiefsOf(w.grid.c3)).toHaveLength(1);
  });

  it('over the district: only what is still missing (C1 has the fixture’s chief, M1 its staff), never a second chief', async () => {
    const body = (await (await bulk({ areaId: w.grid.district, staffPerCommunity: 2 })).json()) as Bulk;
    expect(body.accounts.filter((a) => a.role === 'coordinator').map((a) => a.corridors.map((c) => c.id))).toEqual([[w.grid.c2]]);
    expect(body.created).toEqual({ coordinators: 1, staff: 2 }); // a second staff account for M1 and for M2
    expect(body.corridorsAlreadyCovered).toBe(2);
    for (const c of [w.grid.c1, w.grid.c2, w.grid.c3]) expect(await chiefsOf(c), c).toHaveLength(1);
    const none = (await (await bulk({ areaId: w.grid.district, staffPerCommunity: 2 })).json()) as Bulk;
    expect(none.created).toEqual({ coordinators: 0, staff: 0 });
  });

  it('groups corridorsPerChief corridors of one community per chief, leaves retired corridors out, and stores the one-time passwords only hashed', async () => {
    const m = await community('华阳社区', 7);
    const retired = (await w.database.db.insertInto('areas').values({ kind: 'corridor', name: '8单元', parent_id: m.id, community_id: m.id, retired_at: new Date() }).returning('id').executeTakeFirstOrThrow()).id;
    const body = (await (await bulk({ areaId: m.id, corridorsPerChief: 3, staffPerCommunity: 0 })).json()) as Bulk;
    expect(body.created).toEqual({ coordinators: 3, staff: 0 }); // none for the retired corridor
    expect(await chiefsOf(retired)).toEqual([]);
    expect(body.accounts.map((a) => a.corridors.map((c) => c.name))).toEqual([['1单元', '2单元', '3单元'], ['4单元', '5单元', '6单元'], ['7单元']]);
    const rows = await w.database.db.selectFrom('users').select(['password_hash', 'must_change_password']).where('id', 'in', body.accounts.map((a) => a.userId)).execute();
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r.must_change_password).toBe(true);
      expect(r.password_hash.startsWith('scrypt$')).toBe(true);
      expect(body.accounts.some((a) => r.password_hash.includes(a.oneTimePassword))).toBe(false);
    }
    const actions = await w.database.db.selectFrom('audit_log').select(['action', 'subject_id']).where('action', 'in', ['accounts.bulk', 'user.create']).where('subject_id', 'in', [m.id, ...body.accounts.map((a) => a.userId)]).execute();
    expect(actions.filter((a) => a.action === 'user.create')).toHaveLength(3);
    expect(actions.filter((a) => a.action === 'accounts.bulk')).toEqual([{ action: 'accounts.bulk', subject_id: m.id }]);
  });

  it('a new unit chief logs in with the one-time password, must change it first, then sees only their corridors', async () => {
    const m = await community('新华社区', 2);
    const body = (await (await bulk({ areaId: m.id, staffPerCommunity: 0 })).json()) as Bulk;
    const chief = body.accounts[0];
    if (!chief) throw new Error('no account');
    const login = await w.request('POST', '/api/auth/login', { body: { username: chief.username, password: chief.oneTimePassword } });
    expect(login.status).toBe(200);
    const session = (await login.json()) as { token: string; mustChangePassword: boolean };
    expect(session.mustChangePassword).toBe(true);
    expect((await w.request('GET', '/api/auth/me', { token: session.token })).status).toBe(403);
    const change = await w.request('POST', '/api/auth/password', { token: session.token, body: { currentPassword: chief.oneTimePassword, newPassword: 'my own unit chief password' } });
    expect(change.status).toBe(204);
    const me = await w.request('GET', '/api/auth/me', { token: session.token });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { corridorIds: string[] }).corridorIds).toEqual([chief.corridors[0]?.id]);
  });

  it('prints a PDF sheet per community with usernames and one-time passwords, area names in an embedded CJK font', async () => {
    const street = (await w.database.db.insertInto('areas').values({ kind: 'street', name: '江苏路街道', parent_id: w.grid.district, community_id: null }).returning('id').executeTakeFirstOrThrow()).id;
    const a = await community('长宁社区', 4, street);
    const b = await community('江苏社区', 2, street);
    const res = await bulk({ areaId: street, corridorsPerChief: 2 }, admin, { accept: 'application/pdf' });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toContain('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfTextRuns(pdf).join('\n');
    const db = w.database.db;
    const chiefIds = (await db.selectFrom('coordinator_assignments').select('user_id').distinct().where('corridor_id', 'in', [...a.corridors, ...b.corridors]).execute()).map((r) => r.user_id);
    const staffIds = (await db.selectFrom('community_staff_assignments').select('user_id').where('community_id', 'in', [a.id, b.id]).execute()).map((r) => r.user_id);
    const accounts = await db.selectFrom('users').select('username').where('id', 'in', [...chiefIds, ...staffIds]).execute();
    expect(accounts).toHaveLength(2 + 1 + 1 + 1); // a: 2 chiefs + staff; b: 1 chief + staff
    for (const u of accounts) expect(text).toContain(u.username);
    expect(text).toMatch(/[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}/);
    expect(pdf.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+WenQuanYi/);
    // A page per community.
    expect(pdf.toString('latin1').match(/\/Type \/Page\b/g)).toHaveLength(2);
  });

  it('admins only (403, audited); bad input refused naming the field', async () => {
    for (const role of ['community_staff', 'coordinator', 'dispatcher'] as const) {
      expect((await bulk({ areaId: w.grid.m1 }, await w.login(role))).status, role).toBe(403);
    }
    const denied = await w.database.db.selectFrom('audit_log').select('outcome').where('action', '=', 'accounts.bulk').where('outcome', '=', 'denied').execute();
    expect(denied.length).toBeGreaterThanOrEqual(3);
    const bad = await bulk({ areaId: 'nope', corridorsPerChief: 0, staffPerCommunity: 99, extra: 1 });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(((await bad.json()) as { errors: { path: string[] }[] }).errors.map((e) => e.path.join('.')).sort()).toEqual(['areaId', 'corridorsPerChief', 'extra', 'staffPerCommunity']);
    const corridor = await bulk({ areaId: w.grid.c1 });
    expect(corridor.status).toBe(422);
    expect(((await corridor.json()) as { errors: { path: string[] }[] }).errors[0]?.path).toEqual(['areaId']);
  });
});
