/**
 * A corridor's own need (a waste pickup: `needs.household_id` null) through the need routes, on the
 * real app and PostgreSQL (issue #18 follow-up). GET /api/needs/:needId answers it with
 * `householdId: null` to its unit chief and the community's staff; a resident of the corridor, and a
 * unit chief of another corridor, are refused (403, audited). A pass cannot be applied for on it.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config';
import { needView } from '../../src/contracts/intake.contract';
import type { Actor, Role } from '../../src/domain/access';
import { buildApp } from '../../src/http/app';
import { createAccount } from '../../src/services/access/auth-accounts.service';
import { requestWastePickup } from '../../src/services/waste/waste.service';
import { systemClock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import type { UserAssignments } from '../../src/store/account.repository';
import { dropSchema, type Database } from '../../src/store/db';

import { DATABASE_URL, openTestDatabase, seedDistrict } from './round.fixtures';

let database: Database;
let server: Server;
let base: string;
let wasteNeedId: string;
const tokens: Record<string, string> = {};

const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  database = await openTestDatabase('need_corridor_routes');
  await seedDistrict(database, { communities: 1, corridorsPerCommunity: 2, householdsPerCorridor: 1, vehicles: 1 });
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL, DATABASE_SCHEMA: database.schema });
  const deps = { config, db: database.db, database, logger: createLogger({ level: 'silent' }), clock: systemClock };
  server = await new Promise((resolve) => {
    const s = buildApp(deps).listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const [own, other] = await database.db.selectFrom('areas').select(['id', 'community_id']).where('kind', '=', 'corridor').orderBy('id').execute();
  if (!own?.community_id || !other) throw new Error('the district has two corridors in a community');
  const household = await database.db.selectFrom('households').select('id').where('corridor_id', '=', own.id).executeTakeFirstOrThrow();
  const accounts: Record<string, { role: Role; assignments: Partial<UserAssignments> }> = {
    chief: { role: 'coordinator', assignments: { corridorIds: [own.id] } },
    otherChief: { role: 'coordinator', assignments: { corridorIds: [other.id] } },
    staff: { role: 'community_staff', assignments: { communityIds: [own.community_id] } },
    resident: { role: 'resident', assignments: { householdId: household.id } },
  };
  for (const [name, a] of Object.entries(accounts)) {
    await createAccount(deps, { username: `corridor.${name}`, password: PASSWORD, role: a.role, assignments: a.assignments }, { scryptCost: { N: 1024, r: 8, p: 1 } });
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `corridor.${name}`, password: PASSWORD }) });
    tokens[name] = ((await login.json()) as { token: string }).token;
  }
  const dispatcher: Actor = { userId: 'dispatcher-1', role: 'dispatcher', corridorIds: [], communityIds: [] };
  const { request } = await requestWastePickup({ db: database.db, clock: systemClock, audit: undefined }, dispatcher, own.id, { bags: 4, estimatedKg: 12, category: 'ordinary' });
  wasteNeedId = request.id;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await dropSchema(database);
  await database.close();
});

const getNeed = (who: string) => fetch(`${base}/api/needs/${wasteNeedId}`, { headers: { authorization: `Bearer ${tokens[who]}` } });

describe('a corridor\'s waste need through the need routes', () => {
  it('its unit chief and the community\'s staff read it, with no household', async () => {
    for (const who of ['chief', 'staff']) {
      const res = await getNeed(who);
      expect(res.status, who).toBe(200);
      const body = needView.parse(await res.json());
      expect(body).toMatchObject({ id: wasteNeedId, householdId: null, kind: 'waste_pickup', status: 'accepted' });
    }
  });

  it('a resident of the corridor and the unit chief of another corridor are refused, and the refusal is audited', async () => {
    for (const who of ['resident', 'otherChief']) {
      const res = await getNeed(who);
      expect(res.status, who).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
    const denied = await database.db.selectFrom('audit_log').select(['subject_type', 'subject_id']).where('action', '=', 'need.read').where('outcome', '=', 'denied').execute();
    expect(denied).toHaveLength(2);
    expect(denied.every((d) => d.subject_type === 'corridor' && d.subject_id !== null)).toBe(true);
  });

  it('a pass cannot be applied for on it', async () => {
    const res = await fetch(`${base}/api/needs/${wasteNeedId}/pass`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.staff}`, 'content-type': 'application/json' },
      body: JSON.stringify({ person: 'Wang Fang', hospitalId: '00000000-0000-4000-8000-000000000009', visitMinutes: 60 }),
    });
    expect(res.status).toBe(404);
    expect(await database.db.selectFrom('passes').select('id').where('need_id', '=', wasteNeedId).execute()).toEqual([]);
  });
});
