/**
 * The objects the authorization matrix aims at, created through the API as their legitimate
 * owners would (admin, residents, coordinators), only for the kinds the app's routes use.
 * Grid: own household h1 (corridor c1, community m1), h2 same corridor, h3 other corridor, h4 other community.
 */
import { sql } from 'kysely';
import type { HouseholdScope, Role } from '../../src/domain/access';
import { createAccount } from '../../src/services/access/auth-accounts.service';
import { localPhotoStore } from '../../src/store/photo-store';
import { FAST_SCRYPT, PASSWORD, type World } from './auth.fixture';
import { ITEM, hospital, kitBody, medicalPass, medicine, type Kind, type Target } from './authz.specs';

type Tokens = Record<Role, string>;

async function api<T>(w: World, method: string, path: string, token: string, body?: unknown): Promise<T> {
  const res = await w.request(method, path, { token, ...(body !== undefined ? { body } : {}) });
  if (res.status >= 300) throw new Error(`matrix set-up: ${method} ${path} -> ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export interface Targets {
  byKind: Record<Kind, Target[]>;
  /** A new object like `t` (same household), for specs marked `fresh`. */
  fresh(kind: Kind, t: Target): Promise<Target>;
}

export async function buildTargets(w: World, tokens: Tokens, kinds: ReadonlySet<Kind>, paths: readonly string[]): Promise<Targets> {
  const g = w.grid;
  const hs = (h: string, c: string, m: string): HouseholdScope => ({ householdId: h, corridorId: c, communityId: m });
  const four = [
    { label: 'own household', scope: hs(g.h1, g.c1, g.m1) },
    { label: 'other household, same corridor', scope: hs(g.h2, g.c1, g.m1) },
    { label: 'household in another corridor', scope: hs(g.h3, g.c2, g.m1) },
    { label: 'household in another community', scope: hs(g.h4, g.c3, g.m2) },
  ];
  const corridor = (label: string, id: string, m: string, address: string): Target => ({ label, id, address, area: { kind: 'corridor', communityId: m, corridorIds: [id] } });
  const corridors = [
    corridor('own corridor', g.c1, g.m1, 'B1-C1-101'),
    corridor('other corridor, same community', g.c2, g.m1, 'B1-C2-201'),
    corridor('corridor in another community', g.c3, g.m2, 'B2-C3-301'),
  ];
  const communities: Target[] = [
    { label: 'own community', id: g.m1, area: { kind: 'community', communityId: g.m1, corridorIds: [g.c1, g.c2] } },
    { label: 'other community', id: g.m2, area: { kind: 'community', communityId: g.m2, corridorIds: [g.c3] } },
  ];
  const out: Record<Kind, Target[]> = {
    household: four.map((t) => ({ ...t, id: t.scope.householdId })),
    need: [],
    passNeed: [],
    corridor: corridors,
    community: communities,
    area: [
      ...corridors,
      ...communities,
      { label: 'own building', id: g.b1, area: { kind: 'building', communityId: g.m1, corridorIds: [g.c1, g.c2] } },
      { label: 'building in another community', id: g.b2, area: { kind: 'building', communityId: g.m2, corridorIds: [g.c3] } },
      { label: 'street', id: g.street, area: { kind: 'street', communityId: null, corridorIds: [] } },
      { label: 'district', id: g.district, area: { kind: 'district', communityId: null, corridorIds: [] } },
    ],
    driver: [
      { label: 'own driver record', id: g.d1 },
      { label: 'other driver', id: g.d2 },
    ],
    user: [{ label: 'another account', id: w.users.spare.id }],
    round: [],
    roundStop: [],
    pass: [],
    emergency: [],
    kit: [],
    order: [],
    gateStop: [],
    depot: [],
    vehicle: [],
    webhook: [],
    shiftTemplate: [],
    rosterShift: [],
  };

  const applicantOf = new Map<string, string>();
  const applyFor = async (householdId: string): Promise<string> => {
    const body = { person: 'Member B', hospitalId: hospital.id, reason: 'chemotherapy', appointmentAt: new Date(Date.now() + 3 * 86_400_000).toISOString() };
    return (await api<{ id: string }>(w, 'POST', `/api/households/${householdId}/passes`, applicantOf.get(householdId) as string, body)).id;
  };

  // One medicine need per household (also what procurement rolls up into orders).
  for (const t of four) {
    const { need } = await api<{ need: { id: string } }>(w, 'POST', `/api/households/${t.scope.householdId}/needs`, tokens.admin, medicine);
    out.need.push({ ...t, label: `need of ${t.label}`, id: need.id });
  }
  if (kinds.has('passNeed')) {
    for (const t of four) {
      const { need } = await api<{ need: { id: string } }>(w, 'POST', `/api/households/${t.scope.householdId}/needs`, tokens.admin, medicalPass());
      out.passNeed.push({ ...t, label: `medical pass need of ${t.label}`, id: need.id });
    }
  }
  if (kinds.has('round')) {
    for (const [areaId, status, label] of [[g.m1, 'proposed', 'proposed round'], [g.m2, 'approved', 'approved round']] as const) {
      const r = await sql<{ id: string }>`insert into rounds (area_id, kind, status, time_limit_ms, created_by)
        values (${areaId}, 'medicine', ${status}, 1000, ${w.users.admin.id}) returning id`.execute(w.database.db);
      out.round.push({ label, id: r.rows[0]?.id as string });
    }
  }
  if (kinds.has('roundStop')) {
    // A proposed round of its own with one trip and one stop, for the dispatcher's stop edits.
    const one = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(w.database.db)).rows[0] as T;
    const depot = await one(sql<{ id: string }>`select id from depots limit 1`);
    const round = await one(sql<{ id: string }>`insert into rounds (area_id, kind, status, time_limit_ms, created_by)
      values (${g.m1}, 'food', 'proposed', 1000, ${w.users.admin.id}) returning id`);
    const van = await one(sql<{ id: string }>`insert into vehicles (depot_id, name, capacity) values (${depot.id}, 'Matrix van', '{"bags": 100}') returning id`);
    await sql`insert into round_trips (round_id, id, vehicle_id, depot_id, trip_no, subproblem_id, distance_m, duration_s)
      values (${round.id}, 't1', ${van.id}, ${depot.id}, 1, 's1', 0, 0)`.execute(w.database.db);
    const stop = await one(sql<{ id: string }>`insert into round_stops (round_id, trip_id, seq, corridor_id, planned_start_s)
      values (${round.id}, 't1', 0, ${g.c1}, 0) returning id::text as id`);
    out.roundStop.push({ label: 'stop of a proposed round', id: round.id, stopId: stop.id });
  }
  // The fleet (issue #15, item 3): the fixture's depot (home to drivers d1 and d2, so it is not retired) and a van.
  const fleetRow = async (q: ReturnType<typeof sql<{ id: string }>>) => ((await q.execute(w.database.db)).rows[0] as { id: string }).id;
  const freshVehicle = async () => fleetRow(sql`insert into vehicles (depot_id, name, plate, capacity)
    values ((select id from depots order by created_at limit 1), 'Matrix fleet van', ${`MX-${Math.random().toString(36).slice(2, 10)}`}, '{"bags": 60}') returning id`);
  const freshDriver = async () => fleetRow(sql`insert into drivers (depot_id, name, phone)
    values ((select id from depots order by created_at limit 1), 'Matrix fleet driver', ${`+86 ${Math.floor(Math.random() * 1e10)}`}) returning id`);
  if (kinds.has('depot')) out.depot.push({ label: 'depot', id: await fleetRow(sql`select id from depots order by created_at limit 1`) });
  if (kinds.has('vehicle')) out.vehicle.push({ label: 'vehicle', id: await freshVehicle() });
  // Driver shifts (issue #18, item 3): a template of the fixture's depot, and driver d1 on it some day.
  const freshTemplate = async () => fleetRow(sql`insert into shift_templates (depot_id, name, start_min, length_min, time_zone)
    values ((select id from depots order by created_at limit 1), ${`Matrix shift ${Math.random().toString(36).slice(2, 10)}`}, 360, 480, 'Asia/Shanghai') returning id`);
  const freshRosterShift = async () => {
    const template = await freshTemplate();
    return fleetRow(sql`insert into driver_shifts (driver_id, template_id, depot_id, shift_date, starts_at, ends_at, created_by)
      values (${g.d1}, ${template}, (select id from depots order by created_at limit 1), '2030-01-01', '2030-01-01T06:00:00+08:00', '2030-01-01T14:00:00+08:00', 'matrix') returning id`);
  };
  if (kinds.has('shiftTemplate')) out.shiftTemplate.push({ label: 'shift template', id: await freshTemplate() });
  if (kinds.has('rosterShift')) out.rosterShift.push({ label: 'rostered shift', id: await freshRosterShift() });
  // Outbound webhooks: an endpoint with one delivered event (to redeliver).
  const freshWebhook = async (): Promise<Target> => {
    const id = await fleetRow(sql`insert into webhook_endpoints (url, events, secret) values ('https://203.0.113.10/matrix', '{round.proposed}', ${`whsec_${Buffer.alloc(24, 1).toString('base64')}`}) returning id`);
    const delivery = await fleetRow(sql`insert into webhook_deliveries (endpoint_id, event_id, event_type, body, occurred_at, status, attempts)
      values (${id}, gen_random_uuid(), 'round.proposed', '{}', now(), 'delivered', 1) returning id::text`);
    return { label: 'webhook', id, deliveryId: delivery };
  };
  if (kinds.has('webhook')) out.webhook.push(await freshWebhook());
  if (kinds.has('gateStop')) {
    // A dispatched round per corridor: a stop with the household's medicine need out for delivery
    // (code 123456), and a second open stop so failing the first never completes the round.
    const one = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(w.database.db)).rows[0] as T;
    const depot = await one(sql<{ id: string }>`select id from depots limit 1`);
    const van = await one(sql<{ id: string }>`insert into vehicles (depot_id, name, capacity) values (${depot.id}, 'Gate van', '{"bags": 100}') returning id`);
    for (const [i, t] of [four[0], four[2], four[3]].entries()) {
      if (!t) continue;
      const round = await one(sql<{ id: string }>`insert into rounds (area_id, kind, status, time_limit_ms, created_by)
        values (${t.scope.communityId}, 'medicine', 'dispatched', 1000, ${w.users.admin.id}) returning id`);
      await sql`insert into round_trips (round_id, id, vehicle_id, depot_id, trip_no, subproblem_id, distance_m, duration_s)
        values (${round.id}, 't1', ${van.id}, ${depot.id}, 1, 's1', 0, 0)`.execute(w.database.db);
      const stop = await one(sql<{ id: string }>`insert into round_stops (round_id, trip_id, seq, corridor_id, planned_start_s, status, handoff_code)
        values (${round.id}, 't1', 0, ${t.scope.corridorId}, 0, 'loaded', '123456') returning id::text as id`);
      await sql`insert into round_stops (round_id, trip_id, seq, corridor_id, planned_start_s, status, handoff_code)
        values (${round.id}, 't1', 1, ${t.scope.corridorId}, 60, 'loaded', '654321')`.execute(w.database.db);
      const { need } = await api<{ need: { id: string } }>(w, 'POST', `/api/households/${t.scope.householdId}/needs`, tokens.admin, { kind: 'gas', details: { cylinders: 1 + i } });
      await sql`update needs set status = 'out_for_delivery' where id = ${need.id}`.execute(w.database.db);
      await sql`insert into round_bags (round_id, bag_id, stop_id, need_id, item) values (${round.id}, 'B1', ${stop.id}::bigint, ${need.id}, 'gas')`.execute(w.database.db);
      const photo = await one(sql<{ id: string }>`insert into gate_photos (stop_id, content_type, bytes, sha256, actor_id)
        values (${stop.id}::bigint, 'image/png', 8, 'matrix', 'matrix') returning id`);
      if (w.config.GATE_PHOTO_DIR) await localPhotoStore(w.config.GATE_PHOTO_DIR).put(photo.id, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      out.gateStop.push({ ...t, label: `stop at ${t.label}'s corridor`, id: t.scope.corridorId, stopId: stop.id, photoId: photo.id, area: { kind: 'corridor', communityId: t.scope.communityId, corridorIds: [t.scope.corridorId] } });
    }
  }
  if (paths.includes('/api/hospitals')) {
    hospital.id = (await api<{ id: string }>(w, 'POST', '/api/hospitals', tokens.admin, { name: 'Matrix Hospital', lat: 31.21, lon: 121.41 })).id;
  }
  if (kinds.has('pass')) {
    // Each pass is applied for by someone entitled to: resident (h1), coordinator (h2), residents made for h3 and h4.
    const extra = async (h: string, n: number) => {
      const a = await createAccount(w.deps, { username: `matrix.res${n}`, password: PASSWORD, role: 'resident', assignments: { householdId: h } }, { scryptCost: FAST_SCRYPT });
      const res = await w.request('POST', '/api/auth/login', { body: { username: a.username, password: PASSWORD } });
      return ((await res.json()) as { token: string }).token;
    };
    const applicants = [tokens.resident, tokens.coordinator, await extra(g.h3, 3), await extra(g.h4, 4)];
    four.forEach((t, i) => applicantOf.set(t.scope.householdId, applicants[i] as string));
    for (const t of four) out.pass.push({ ...t, label: `pass of ${t.label}`, id: await applyFor(t.scope.householdId) });
  }
  if (kinds.has('emergency')) {
    for (const t of four) {
      const e = await api<{ id: string; driverId: string | null }>(w, 'POST', `/api/households/${t.scope.householdId}/emergencies`, tokens.admin, { kind: 'acute_illness' });
      out.emergency.push({ ...t, label: `emergency of ${t.label}`, id: e.id, driverId: e.driverId });
    }
  }
  if (kinds.has('kit')) {
    await api(w, 'POST', '/api/stock/items', tokens.admin, { code: ITEM, name: 'Rice 5 kg', unit: 'pack', weightKg: 5, volumeL: 6 });
    await api(w, 'PUT', '/api/stock/kits/matrix-kit', tokens.admin, kitBody);
    out.kit.push({ label: 'a kit', id: 'matrix-kit' });
  }
  if (kinds.has('order')) {
    await api(w, 'POST', '/api/procurement/suppliers', tokens.admin, { name: 'Matrix Pharmacy', kind: 'pharmacy', isDefault: true });
    await api(w, 'POST', '/api/procurement/roll-up', tokens.admin);
    const { orders } = await api<{ orders: { id: string; communityId: string }[] }>(w, 'GET', '/api/procurement/orders', tokens.admin);
    for (const [label, m] of [['order of own community', g.m1], ['order of another community', g.m2]] as const) {
      const order = orders.find((o) => o.communityId === m);
      if (!order) throw new Error(`matrix set-up: roll-up made no order for ${label}`);
      const { order: full } = await api<{ order: { lines: { id: string }[] } }>(w, 'GET', `/api/procurement/orders/${order.id}`, tokens.admin);
      out.order.push({ label, id: order.id, communityId: m, lineId: full.lines[0]?.id ?? '' });
    }
  }
  return {
    byKind: out,
    async fresh(kind, t) {
      // Retiring a fleet record: each call gets one of its own (drivers d1 and d2 stay active for the other routes).
      if (kind === 'vehicle') return { ...t, id: await freshVehicle() };
      if (kind === 'webhook') return freshWebhook();
      if (kind === 'shiftTemplate') return { ...t, id: await freshTemplate() };
      if (kind === 'rosterShift') return { ...t, id: await freshRosterShift() };
      if (kind === 'driver') return { ...t, label: `new ${t.label}`, id: await freshDriver() };
      if (kind !== 'pass' || !t.scope) throw new Error(`matrix set-up: no fresh ${kind} targets`);
      return { ...t, id: await applyFor(t.scope.householdId) };
    },
  };
}
