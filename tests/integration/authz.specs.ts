/**
 * Who may use which route: the authorization matrix's expectations, written from the issue's
 * rules with the policy primitives of src/domain/access.ts (pinned by their own unit table),
 * not from the routes' code. A new route fails the matrix until it gets an entry here.
 */
import { canAccessCommunity, canAccessCorridor, canAccessDriver, canAccessHousehold, type Actor, type HouseholdScope, type Role } from '../../src/domain/access';
import type { Grid } from './auth.fixture';

export type Kind = 'household' | 'need' | 'passNeed' | 'corridor' | 'community' | 'area' | 'driver' | 'user' | 'round' | 'roundStop' | 'pass' | 'emergency' | 'kit' | 'order' | 'gateStop' | 'depot' | 'vehicle' | 'webhook' | 'shiftTemplate' | 'rosterShift';

export interface Target {
  label: string;
  id: string;
  /** The household behind a household, need, pass or emergency target. */
  scope?: HouseholdScope;
  /** Area targets: kind, community and the corridors inside. */
  area?: { kind: 'district' | 'street' | 'community' | 'building' | 'corridor'; communityId: string | null; corridorIds: string[] };
  /** Corridor targets: the address of a household in it (for the CSV import). */
  address?: string;
  /** Order targets: their community. Emergency targets: the driver of their trip, if any. */
  communityId?: string;
  driverId?: string | null;
  /** Order targets: one of their lines. Round-stop targets: the stop. */
  lineId?: string;
  stopId?: string;
  /** Gate-stop targets: a photo of the stop. */
  photoId?: string;
  /** Webhook targets: one of their deliveries. */
  deliveryId?: string;
}

export interface RouteSpec {
  kind: Kind;
  allowed: (actor: Actor, t: Target) => boolean;
  body?: (t: Target) => unknown;
  headers?: Record<string, string>;
  /** The path parameter that names the target. Default: the first one. */
  idParam?: string;
  /** Values of the other path parameters: fixed (e.g. `{ action: 'cancel' }`) or from the target. */
  params?: Record<string, string | ((t: Target) => string)>;
  /** Allowed callers may get 503 (a dependency this test does not run, e.g. the queue). */
  unavailableOk?: boolean;
  /** Each call gets a new object like the target (for writes whose outcome depends on its state). */
  fresh?: boolean;
}

/**
 * Routes without an id: 'public' needs no token; 'authenticated' any role; a list: those roles
 * only (others 403, audited). `url` adds a query; `fresh`: the call ends the session, so it gets
 * a token of its own; `unavailableOk`: allowed callers may get 503 (a dependency not run here).
 */
export interface RoleRouteSpec {
  who: 'public' | 'authenticated' | Role[];
  url?: () => string;
  body?: () => unknown;
  fresh?: boolean;
  unavailableOk?: boolean;
  /** Request headers (e.g. a CSV body's content type). */
  headers?: Record<string, string>;
}

/** Ids the specs need, filled in by the test before the matrix runs. */
export const ctx = { grid: undefined as unknown as Grid, seq: 0 };

/** A medicine need whose words must never reach the audit log. */
export const MARKER = { drug: 'Zzmatrixolol', strength: '7.5 mg matrix', reason: 'Zzmatrix dialysis' };
export const medicine = { kind: 'medicine', details: { drug: MARKER.drug, strength: MARKER.strength, quantity: 2, urgency: 'today' } };
export const medicalPass = () => ({
  kind: 'medical_pass',
  details: { reason: MARKER.reason, hospital: 'Matrix Hospital', appointmentAt: new Date(Date.now() + 4 * 86_400_000).toISOString() },
});

const household = (a: Actor, t: Target) => t.scope !== undefined && canAccessHousehold(a, t.scope);
const corridor = (a: Actor, t: Target) => canAccessCorridor(a, t.id, t.area?.communityId ?? '');
const is = (...roles: Role[]) => (a: Actor) => roles.includes(a.role);
/** Community staff of the target's community. */
const staffOf = (a: Actor, communityId: string | undefined) => a.role === 'community_staff' && communityId !== undefined && canAccessCommunity(a, communityId);
const driverOf = (a: Actor, t: Target) => a.role === 'driver' && t.driverId != null && canAccessDriver(a, t.driverId);

export const STAFF: Role[] = ['coordinator', 'community_staff', 'dispatcher', 'admin'];
const IMPORT_ROLES: Role[] = ['coordinator', 'community_staff', 'admin'];
const STOCK_ROLES: Role[] = ['dispatcher', 'admin', 'community_staff'];
const CATALOGUE_ROLES: Role[] = ['dispatcher', 'admin'];
const PROCUREMENT_ROLES: Role[] = ['community_staff', 'admin'];
const VERIFIERS: Role[] = ['driver', 'community_staff', 'dispatcher', 'admin'];
const REPORTERS: Role[] = ['community_staff', 'dispatcher', 'admin'];

function area(a: Actor, t: Target): boolean {
  const x = t.area;
  if (!x) return false;
  if (x.kind === 'corridor') return canAccessCorridor(a, t.id, x.communityId ?? '');
  if (x.communityId === null) return STAFF.includes(a.role);
  // A coordinator sees the community and building their corridors lie in, no more.
  if (a.role === 'coordinator') return x.corridorIds.some((c) => a.corridorIds.includes(c));
  return canAccessCommunity(a, x.communityId);
}

// Passes: residents and coordinators apply for (and may withdraw) their households' passes;
// community staff of the household's community decide, issue and call them in; the assigned
// driver (none here) or staff mark the trips.
const applicant = (a: Actor, t: Target) => (a.role === 'resident' || a.role === 'coordinator') && household(a, t);
const passStaff = (a: Actor, t: Target) => staffOf(a, t.scope?.communityId);
const passAction = (action: string, allowed: RouteSpec['allowed'], fresh = false): RouteSpec => ({ kind: 'pass', params: { action }, allowed, body: () => ({}), fresh });
const inTwoDays = () => new Date(Date.now() + 2 * 86_400_000).toISOString();
export const hospital = { id: '' };

/** Who may use each route that takes an id. */
export const ROUTES: Record<string, RouteSpec | RouteSpec[]> = {
  'GET /api/households/:householdId': { kind: 'household', allowed: household },
  'GET /api/households/:householdId/needs': { kind: 'household', allowed: household },
  // The household's next deliveries and the van's ETA (issue #17, item 7): whoever may read the household.
  'GET /api/households/:householdId/deliveries': { kind: 'household', allowed: household },
  'POST /api/households/:householdId/needs': { kind: 'household', allowed: household, body: () => medicine },
  'GET /api/needs/:needId': { kind: 'need', allowed: household },
  'POST /api/needs/:needId/cancel': { kind: 'need', allowed: household, body: () => ({}) },
  'GET /api/areas/:areaId': { kind: 'area', allowed: area },
  'GET /api/corridors/:corridorId/households': { kind: 'corridor', allowed: corridor },
  'GET /api/corridors/:corridorId/deliveries': { kind: 'corridor', allowed: corridor },
  'PUT /api/corridors/:corridorId/receiving-hours': { kind: 'corridor', allowed: (a, t) => a.role === 'admin' || (a.role === 'coordinator' && corridor(a, t)), body: () => ({ from: '08:00', until: '11:00' }) },
  // The handover at the gate: whoever may read the corridor. A wrong code is refused (422), not forbidden.
  'POST /api/corridors/:corridorId/deliveries/:stopId/handoff': {
    kind: 'gateStop',
    allowed: corridor,
    params: { stopId: (t) => t.stopId ?? '' },
    body: () => ({ code: '000000' }),
  },
  'POST /api/corridors/:corridorId/deliveries/:stopId/households/:householdId/failed': {
    kind: 'gateStop',
    allowed: corridor,
    params: { stopId: (t) => t.stopId ?? '', householdId: (t) => t.scope?.householdId ?? '' },
    body: () => ({ reason: 'no_answer' }),
  },
  // Photos at the gate: attached by whoever may act at the gate (the body here is no image: 415 once let in), read likewise.
  'POST /api/corridors/:corridorId/deliveries/:stopId/photos': {
    kind: 'gateStop',
    allowed: corridor,
    params: { stopId: (t) => t.stopId ?? '' },
    body: () => 'not an image',
    headers: { 'content-type': 'image/webp' },
  },
  'GET /api/corridors/:corridorId/deliveries/:stopId/photos/:photoId': {
    kind: 'gateStop',
    allowed: corridor,
    params: { stopId: (t) => t.stopId ?? '', photoId: (t) => t.photoId ?? '' },
  },
  'PUT /api/corridors/:corridorId/deliveries/:stopId/households/:householdId/check-off': {
    kind: 'gateStop',
    allowed: corridor,
    params: { stopId: (t) => t.stopId ?? '', householdId: (t) => t.scope?.householdId ?? '' },
    body: () => ({ outcome: 'handed_over', checkedAt: new Date().toISOString() }),
  },
  'POST /api/corridors/:corridorId/needs/import': {
    kind: 'corridor',
    allowed: (a, t) => IMPORT_ROLES.includes(a.role) && corridor(a, t),
    body: (t) => `address,kind,kg\n${t.address ?? ''},rice,5\n`,
    headers: { 'content-type': 'text/csv' },
  },
  'GET /api/communities/:communityId/households': { kind: 'community', allowed: (a, t) => canAccessCommunity(a, t.id) },
  // Waste pickups (issue #18): the corridor's unit chief, its community's staff, dispatchers and admins.
  'POST /api/corridors/:corridorId/waste-requests': { kind: 'corridor', allowed: corridor, body: () => ({ bags: 2, estimatedKg: 6, category: 'ordinary' }) },
  'GET /api/corridors/:corridorId/waste-schedules': { kind: 'corridor', allowed: corridor },
  // Recurring pickups are set by the district or the community's staff (the unit chief reads them); removing one that is not there is done (204).
  'PUT /api/corridors/:corridorId/waste-schedules/:category': {
    kind: 'corridor', allowed: (a, t) => canAccessCommunity(a, t.area?.communityId ?? ''), params: { category: () => 'positive' }, body: () => ({ bags: 3, estimatedKg: 9, everyDays: 1 }),
  },
  'DELETE /api/corridors/:corridorId/waste-schedules/:category': { kind: 'corridor', allowed: (a, t) => canAccessCommunity(a, t.area?.communityId ?? ''), params: { category: () => 'ordinary' } },
  // The needs behind the overview's figures: the community's own staff and the district's.
  'GET /api/communities/:communityId/needs': { kind: 'community', allowed: (a, t) => canAccessCommunity(a, t.id) },
  // The register: community staff of the household's community and admins change it.
  'PATCH /api/households/:householdId': { kind: 'household', allowed: (a, t) => a.role === 'admin' || staffOf(a, t.scope?.communityId), body: () => ({ members: 3 }) },
  // The grid: admins everywhere, community staff inside their communities; only admins retire (every target still holds something: 409).
  'PATCH /api/areas/:areaId': { kind: 'area', allowed: (a, t) => a.role === 'admin' || staffOf(a, t.area?.communityId ?? undefined), body: () => ({ lat: 31.2, lon: 121.4 }) },
  'POST /api/areas/:areaId/retire': { kind: 'area', allowed: is('admin') },
  // The risk map: changed like the grid (admins; community staff in their communities), its history read like the area.
  'PATCH /api/areas/:areaId/risk': { kind: 'area', allowed: (a, t) => a.role === 'admin' || staffOf(a, t.area?.communityId ?? undefined), body: () => ({ riskColour: 'orange', reason: 'authorization matrix' }) },
  'GET /api/areas/:areaId/risk/history': { kind: 'area', allowed: area },
  // Planning rounds are district-wide work: dispatchers and admins.
  'GET /api/rounds/:roundId': { kind: 'round', allowed: is('dispatcher', 'admin') },
  'GET /api/rounds/:roundId/proposal': { kind: 'round', allowed: is('dispatcher', 'admin') },
  'POST /api/rounds/:roundId/approve': { kind: 'round', allowed: is('dispatcher', 'admin') },
  'POST /api/rounds/:roundId/dispatch': { kind: 'round', allowed: is('dispatcher', 'admin') },
  'POST /api/rounds/:roundId/replan': { kind: 'round', allowed: is('dispatcher', 'admin'), unavailableOk: true },
  // A round's printed paper: dispatchers and admins; a route sheet also the trip's driver (the matrix's trip has none).
  'GET /api/rounds/:roundId/trips/:tripId/route-sheet.pdf': { kind: 'roundStop', allowed: is('dispatcher', 'admin'), params: { tripId: 't1' } },
  // Custody of epidemic waste (issue #18, item 2): the trip's driver (the matrix's trip has none), dispatchers and admins.
  // Allowed callers get 409 here: the matrix's round is a food round, not yet dispatched.
  'PUT /api/rounds/:roundId/stops/:stopId/waste-pickup': {
    kind: 'roundStop', allowed: (a, t) => is('dispatcher', 'admin')(a) || driverOf(a, t), params: { stopId: (t) => t.stopId ?? '' }, body: () => ({ bags: 2, kg: 7.5 }),
  },
  'PUT /api/rounds/:roundId/trips/:tripId/waste-unload': { kind: 'roundStop', allowed: (a, t) => is('dispatcher', 'admin')(a) || driverOf(a, t), params: { tripId: 't1' }, body: () => ({ kg: 7 }) },
  'PUT /api/rounds/:roundId/trips/:tripId/disinfection': {
    kind: 'roundStop', allowed: (a, t) => is('dispatcher', 'admin')(a) || driverOf(a, t), params: { tripId: 't1' }, body: () => ({ agent: 'chlorine 1000 mg/L' }),
  },
  // The van left the depot (issue #19): the trip's driver (the matrix's trip has none), dispatchers and admins; 409 once let in (not dispatched).
  'PUT /api/rounds/:roundId/trips/:tripId/departure': { kind: 'roundStop', allowed: (a, t) => is('dispatcher', 'admin')(a) || driverOf(a, t), params: { tripId: 't1' }, body: () => ({}) },
  // A vehicle handed over at a shift change (issue #18, item 4): its two drivers (the matrix's trip has none), dispatchers and admins;
  // the matrix's trip has no handover before it (read: null) and its round is not dispatched (writes: 409).
  'GET /api/rounds/:roundId/trips/:tripId/handover': { kind: 'roundStop', allowed: (a, t) => is('dispatcher', 'admin')(a) || driverOf(a, t), params: { tripId: 't1' } },
  'PUT /api/rounds/:roundId/trips/:tripId/handover': { kind: 'roundStop', allowed: (a, t) => is('dispatcher', 'admin')(a) || driverOf(a, t), params: { tripId: 't1' }, body: () => ({ note: 'half a tank' }) },
  'PUT /api/rounds/:roundId/trips/:tripId/handover/acceptance': { kind: 'roundStop', allowed: (a, t) => is('dispatcher', 'admin')(a) || driverOf(a, t), params: { tripId: 't1' }, body: () => ({}) },
  'GET /api/rounds/:roundId/crew': { kind: 'round', allowed: is('dispatcher', 'admin') },
  'GET /api/rounds/:roundId/loading-list.pdf': { kind: 'round', allowed: is('dispatcher', 'admin') },
  'GET /api/rounds/:roundId/bag-labels.pdf': { kind: 'round', allowed: is('dispatcher', 'admin') },
  'POST /api/rounds/:roundId/stops/:stopId/move': {
    kind: 'roundStop',
    allowed: is('dispatcher', 'admin'),
    params: { stopId: (t) => t.stopId ?? '' },
    body: () => ({ tripId: 't1', position: 0 }),
  },
  'POST /api/rounds/:roundId/stops/:stopId/lock': {
    kind: 'roundStop',
    allowed: is('dispatcher', 'admin'),
    params: { stopId: (t) => t.stopId ?? '' },
    body: () => ({ locked: true }),
  },
  'GET /api/admin/users/:userId': { kind: 'user', allowed: is('admin') },
  'PUT /api/admin/users/:userId/assignments': { kind: 'user', allowed: is('admin'), body: () => ({}) },
  'POST /api/admin/users/:userId/revoke-sessions': { kind: 'user', allowed: is('admin') },
  'GET /api/admin/users/:userId/sessions': { kind: 'user', allowed: is('admin') },
  'PUT /api/admin/users/:userId/disabled': { kind: 'user', allowed: is('admin'), body: () => ({ disabled: false }) },
  'PUT /api/admin/users/:userId/password': { kind: 'user', allowed: is('admin'), body: () => ({ password: 'another long password' }) },

  'POST /api/households/:householdId/passes': {
    kind: 'household',
    allowed: applicant,
    body: () => ({ person: 'Member A', hospitalId: hospital.id, reason: 'dialysis', appointmentAt: inTwoDays() }),
  },
  'GET /api/households/:householdId/passes': { kind: 'household', allowed: household },
  // A resident sign-up code: the household's unit chief, its community's staff, admins (the people who know it in person).
  'POST /api/households/:householdId/signup-codes': { kind: 'household', allowed: (a, t) => is('coordinator', 'community_staff', 'admin')(a) && household(a, t) },
  // The community-wide list shows medical reasons: community staff of that community, and admins.
  'GET /api/communities/:communityId/passes': { kind: 'community', allowed: (a, t) => a.role === 'admin' || staffOf(a, t.id) },
  'GET /api/passes/:passId': { kind: 'pass', allowed: household },
  // Withdrawal on a fresh pass each time: once withdrawn (or issued) only staff may call it in.
  'POST /api/passes/:passId/:action': [
    passAction('cancel', (a, t) => passStaff(a, t) || applicant(a, t), true),
    ...['review', 'approve', 'refuse', 'issue', 'return'].map((act) => passAction(act, passStaff)),
    ...['outbound-done', 'at-hospital', 'return-done'].map((act) => passAction(act, passStaff)),
  ],
  // A medical_pass need continues as a pass: applicants of the household, or its community's staff.
  'POST /api/needs/:needId/pass': {
    kind: 'passNeed',
    allowed: (a, t) => applicant(a, t) || passStaff(a, t),
    body: () => ({ person: 'Member C', hospitalId: hospital.id }),
  },
  'GET /api/drivers/:driverId/transport-trips': { kind: 'driver', allowed: (a, t) => canAccessDriver(a, t.id) },

  'POST /api/households/:householdId/emergencies': { kind: 'household', allowed: (a, t) => a.role !== 'driver' && household(a, t), body: () => ({ kind: 'acute_illness' }) },
  'GET /api/emergencies/:emergencyId': { kind: 'emergency', allowed: (a, t) => household(a, t) || driverOf(a, t) },
  'POST /api/emergencies/:emergencyId/done': {
    kind: 'emergency',
    allowed: (a, t) => driverOf(a, t) || is('dispatcher', 'admin')(a) || staffOf(a, t.scope?.communityId),
  },
  'POST /api/emergencies/:emergencyId/review': {
    kind: 'emergency',
    allowed: (a, t) => a.role === 'admin' || staffOf(a, t.scope?.communityId),
    body: () => ({ outcome: 'justified' }),
  },

  // The fleet: admins write (a depot home to active drivers is not retired: 409, let in all the same).
  'PATCH /api/depots/:depotId': { kind: 'depot', allowed: is('admin'), body: () => ({ closesAt: '20:00' }) },
  'POST /api/depots/:depotId/retire': { kind: 'depot', allowed: is('admin') },
  'PATCH /api/vehicles/:vehicleId': { kind: 'vehicle', allowed: is('admin'), body: () => ({ reloadMinutes: 25 }) },
  'POST /api/vehicles/:vehicleId/retire': { kind: 'vehicle', allowed: is('admin'), fresh: true },
  // Driver shifts (issue #18, item 3): dispatchers and admins keep the templates and the roster.
  'POST /api/depots/:depotId/shift-templates': { kind: 'depot', allowed: is('dispatcher', 'admin'), body: () => ({ name: `Matrix shift ${++ctx.seq}`, startsAt: '06:00', lengthMinutes: 480 }) },
  'PATCH /api/shift-templates/:templateId': { kind: 'shiftTemplate', allowed: is('dispatcher', 'admin'), body: () => ({ name: `Matrix shift ${++ctx.seq}` }) },
  'DELETE /api/shift-templates/:templateId': { kind: 'shiftTemplate', allowed: is('dispatcher', 'admin'), fresh: true },
  'DELETE /api/roster/:shiftId': { kind: 'rosterShift', allowed: is('dispatcher', 'admin'), fresh: true },
  'PATCH /api/drivers/:driverId': { kind: 'driver', allowed: is('admin'), body: () => ({ licenceClasses: ['B'] }) },
  'POST /api/drivers/:driverId/retire': { kind: 'driver', allowed: is('admin'), fresh: true },

  // Outbound webhooks (issue #19): admins only.
  'PATCH /api/admin/webhooks/:webhookId': { kind: 'webhook', allowed: is('admin'), body: () => ({ description: 'authorization matrix' }) },
  'DELETE /api/admin/webhooks/:webhookId': { kind: 'webhook', allowed: is('admin'), fresh: true },
  'GET /api/admin/webhooks/:webhookId/deliveries': { kind: 'webhook', allowed: is('admin') },
  'POST /api/admin/webhooks/:webhookId/deliveries/:deliveryId/redeliver': { kind: 'webhook', allowed: is('admin'), params: { deliveryId: (t) => t.deliveryId ?? '0' } },

  'GET /api/stock/kits/:code': { kind: 'kit', allowed: is(...STOCK_ROLES) },
  'PUT /api/stock/kits/:code': { kind: 'kit', allowed: is(...CATALOGUE_ROLES), body: () => kitBody },
  'GET /api/stock/kits/:code/expansion': { kind: 'kit', allowed: is(...STOCK_ROLES) },
  // Purchase orders carry drug names: community staff of the order's community, and admins.
  'GET /api/procurement/orders/:orderId': { kind: 'order', allowed: (a, t) => a.role === 'admin' || staffOf(a, t.communityId) },
  'POST /api/procurement/orders/:orderId/send': { kind: 'order', allowed: (a, t) => a.role === 'admin' || staffOf(a, t.communityId) },
  'POST /api/procurement/orders/:orderId/receipts': {
    kind: 'order',
    allowed: (a, t) => a.role === 'admin' || staffOf(a, t.communityId),
    body: (t) => ({ received: [{ lineId: t.lineId, quantity: 1 }] }),
  },
};

export const ITEM = 'matrix-rice';
export const kitBody = { name: 'Matrix kit', variants: [{ name: 'std', minMembers: 1, maxMembers: 30, lines: [{ code: ITEM, quantity: 1 }] }] };
const period = 'from=2026-11-01&to=2026-11-30';

export const ROLE_ROUTES: Record<string, RoleRouteSpec> = {
  'GET /health': { who: 'public' },
  // Probes; /metrics takes the METRICS_TOKEN (unset here: 404), not a session.
  'GET /healthz': { who: 'public' },
  'GET /readyz': { who: 'public' },
  'GET /metrics': { who: 'public' },
  'GET /api/openapi.json': { who: 'public' },
  'POST /api/auth/login': { who: 'public' },
  'GET /api/auth/me': { who: 'authenticated' },
  'GET /api/risk-map/settings': { who: 'authenticated' },
  // Notices (issue #19): each account its own preferences and push subscriptions (web push is not configured here: 409 once let in); templates for admins.
  'GET /api/me/notices': { who: 'authenticated' },
  'PUT /api/me/notices': { who: 'authenticated', body: () => ({ language: 'en', channels: ['inapp'], quietHours: { from: '22:00', until: '07:00' }, timeZone: 'Asia/Shanghai' }) },
  'GET /api/me/push-subscriptions/vapid-key': { who: 'authenticated' },
  'POST /api/me/push-subscriptions': { who: 'authenticated', body: () => ({ endpoint: 'https://203.0.113.10/push/matrix', keys: { p256dh: `B${'A'.repeat(86)}`, auth: 'A'.repeat(22) } }) },
  'DELETE /api/me/push-subscriptions': { who: 'authenticated', body: () => ({ endpoint: 'https://203.0.113.10/push/matrix' }) },
  'GET /api/admin/notices/templates': { who: ['admin'] },
  'POST /api/admin/notices/templates/preview': { who: ['admin'], body: () => ({ kind: 'delivery_eta', language: 'zh-CN', values: { gate: 'C1', from: '2026-12-03T06:15:00Z', until: '2026-12-03T06:45:00Z' } }) },
  // Waste collection (issue #18): disposal sites for dispatchers and admins; the open requests list filters by what each role sees.
  'GET /api/disposal-sites': { who: ['dispatcher', 'admin'] },
  'POST /api/disposal-sites': { who: ['dispatcher', 'admin'], body: () => ({ name: `Matrix site ${++ctx.seq}`, lat: 31.2, lon: 121.4, capacityKg: 1000 }) },
  'GET /api/waste-requests': { who: 'authenticated' },
  // Outbound webhooks: a public address literal, so no DNS is asked.
  'GET /api/admin/webhooks': { who: ['admin'] },
  'POST /api/admin/webhooks': { who: ['admin'], body: () => ({ url: 'https://203.0.113.10/matrix', events: ['round.proposed'] }) },
  'POST /api/auth/logout': { who: 'authenticated', fresh: true },
  // A wrong current password: let in (422), nothing changed.
  'POST /api/auth/password': { who: 'authenticated', body: () => ({ currentPassword: 'not the current password', newPassword: 'a long enough new password' }) },
  'GET /api/corridors': { who: STAFF },
  'GET /api/areas': { who: STAFF },
  'GET /api/households': { who: STAFF },
  'POST /api/areas': { who: ['community_staff', 'admin'], body: () => ({ kind: 'corridor', name: `Matrix corridor ${++ctx.seq}`, parentId: ctx.grid.b1 }) },
  'POST /api/areas/import': { who: ['community_staff', 'admin'], body: () => `level,name,parent\ncorridor,Matrix import ${++ctx.seq},S / M1 / B1\n`, headers: { 'content-type': 'text/csv' } },
  'POST /api/areas/outlines': {
    who: ['community_staff', 'admin'],
    body: () => ({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: ctx.grid.c1 }, geometry: { type: 'Polygon', coordinates: [[[121.4, 31.2], [121.401, 31.2], [121.401, 31.201], [121.4, 31.2]]] } }] }),
  },
  'POST /api/households': { who: ['community_staff', 'admin'], body: () => ({ corridorId: ctx.grid.c1, address: `Matrix flat ${++ctx.seq}`, members: 2, lat: 31.2, lon: 121.4 }) },
  'POST /api/households/import': {
    who: ['community_staff', 'admin'],
    body: () => `corridor_id,address,members\n${ctx.grid.c1},Matrix import flat ${++ctx.seq},2\n`,
    headers: { 'content-type': 'text/csv' },
  },
  'GET /api/depots': { who: ['dispatcher', 'admin'] },
  'POST /api/depots': { who: ['admin'], body: () => ({ name: `Matrix depot ${++ctx.seq}`, lat: 31.2, lon: 121.4 }) },
  'POST /api/depots/import': { who: ['admin'], body: () => `name,lat,lon\nMatrix import depot ${++ctx.seq},31.2,121.4\n`, headers: { 'content-type': 'text/csv' } },
  'GET /api/vehicles': { who: ['dispatcher', 'admin'] },
  'GET /api/shift-templates': { who: ['dispatcher', 'admin'] },
  'GET /api/roster': { who: ['dispatcher', 'admin'], url: () => '/api/roster?from=2030-01-01' },
  'POST /api/roster': { who: ['dispatcher', 'admin'], body: () => ({ driverId: ctx.grid.d2, templateId: '00000000-0000-4000-8000-000000000000', from: '2030-01-01' }) },
  'POST /api/vehicles': { who: ['admin'], body: () => ({ plate: `MV-${++ctx.seq}`, name: 'Matrix van', depotId: ctx.grid.depot, capacity: { bags: 60 } }) },
  'POST /api/vehicles/import': { who: ['admin'], body: () => `plate,depot,bags\nMI-${++ctx.seq},Depot,60\n`, headers: { 'content-type': 'text/csv' } },
  'GET /api/drivers': { who: ['dispatcher', 'admin'] },
  'POST /api/drivers': { who: ['admin'], body: () => ({ name: 'Matrix driver', phone: `+86 139 ${String(++ctx.seq).padStart(8, '0')}`, depotId: ctx.grid.depot }) },
  'POST /api/drivers/import': { who: ['admin'], body: () => `name,phone,depot\nMatrix import driver,+86 137 ${String(++ctx.seq).padStart(8, '0')},Depot\n`, headers: { 'content-type': 'text/csv' } },
  // Exports in the imports' columns (issue #15, item 7): the grid and the register scoped like their reads, the fleet for those who read it.
  'GET /api/areas/export': { who: STAFF },
  'GET /api/households/export': { who: STAFF },
  'GET /api/depots/export': { who: ['dispatcher', 'admin'] },
  'GET /api/vehicles/export': { who: ['dispatcher', 'admin'] },
  'GET /api/drivers/export': { who: ['dispatcher', 'admin'] },
  'POST /api/admin/users': { who: ['admin'], body: () => ({ username: `matrix.${++ctx.seq}`, password: 'long enough password', role: 'dispatcher' }) },
  'GET /api/admin/audit': { who: ['admin'] },
  // Accounts in bulk over a community the fixture has fully staffed (C1's chief, M1's staff): allowed, creates nothing but C2's chief once.
  'POST /api/admin/accounts/bulk': { who: ['admin'], body: () => ({ areaId: ctx.grid.m1, staffPerCommunity: 0 }) },
  // A wrong code: let in (422), nothing created.
  'POST /api/auth/signup': { who: 'public', body: () => ({ phone: '13800000000', code: 'not-a-code', password: 'a long enough password' }) },
  // Without Redis in this test the queue is absent: allowed callers get 503, others 403.
  'POST /api/rounds': { who: ['dispatcher', 'admin'], body: () => ({ areaId: ctx.grid.m1, kind: 'food' }), unavailableOk: true },
  // The rounds list filters by scope (community staff: rounds touching their communities) rather than refusing.
  'GET /api/rounds': { who: ['dispatcher', 'admin', 'community_staff'] },
  // The district at a glance: staff see their communities' figures (a filter, not a refusal).
  'GET /api/overview': { who: ['dispatcher', 'admin', 'community_staff'] },

  'GET /api/web-config': { who: 'public' },
  'GET /api/me/batches': { who: ['driver'] },
  'GET /api/me/shifts': { who: ['driver'] },
  'GET /api/hospitals': { who: 'authenticated' },
  'GET /api/food-cycle': { who: 'authenticated' },
  'POST /api/hospitals': { who: ['admin', 'dispatcher'], body: () => ({ name: `Hospital ${++ctx.seq}`, lat: 31.2, lon: 121.4 }) },
  'GET /api/passes/verification-key': { who: 'public' },
  'POST /api/passes/verify': { who: VERIFIERS, body: () => ({ code: 'not-a-real-pass-code' }) },
  'GET /api/reports/passes': { who: REPORTERS, url: () => `/api/reports/passes?${period}` },
  'GET /api/reports/emergencies': { who: REPORTERS, url: () => `/api/reports/emergencies?${period}` },
  'GET /api/emergency-reviews': { who: ['community_staff', 'dispatcher', 'admin'], url: () => `/api/emergency-reviews?communityId=${ctx.grid.m1}` },

  'GET /api/stock/items': { who: STOCK_ROLES },
  'POST /api/stock/items': { who: CATALOGUE_ROLES, body: () => ({ code: `matrix-item-${++ctx.seq}`, name: 'Item', unit: 'pack', weightKg: 1, volumeL: 1 }) },
  'GET /api/stock/balances': { who: STOCK_ROLES },
  'POST /api/stock/receipts': { who: STOCK_ROLES, body: () => ({}) },
  'POST /api/stock/transfers': { who: STOCK_ROLES, body: () => ({}) },
  'POST /api/stock/adjustments': { who: STOCK_ROLES, body: () => ({}) },
  'POST /api/stock/write-offs': { who: STOCK_ROLES },
  'PUT /api/stock/minimums': { who: STOCK_ROLES, body: () => ({}) },
  'GET /api/stock/alerts': { who: STOCK_ROLES },
  'GET /api/stock/ledger': { who: STOCK_ROLES },
  'GET /api/stock/ledger.csv': { who: STOCK_ROLES },
  'GET /api/stock/deliveries.csv': { who: STOCK_ROLES },
  'GET /api/stock/shortfall': { who: STOCK_ROLES, url: () => `/api/stock/shortfall?areaId=${ctx.grid.m1}` },

  'GET /api/procurement/suppliers': { who: PROCUREMENT_ROLES },
  'POST /api/procurement/suppliers': { who: ['admin'], body: () => ({ name: `Supplier ${++ctx.seq}`, kind: 'supplier' }) },
  'POST /api/procurement/roll-up': { who: PROCUREMENT_ROLES },
  'GET /api/procurement/orders': { who: PROCUREMENT_ROLES },
  'GET /api/procurement/orders.csv': { who: PROCUREMENT_ROLES },
};
