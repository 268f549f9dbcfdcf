/** API set-up for the screens e2e: what each role's page should have to show (a batch, a pass), made through the API as the roles would. */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { login, loginToken, roundProposed, type Harness } from './harness';

export interface ProposalTrips { trips: { id: string; driverId: string | null; stops: { id: string; seq: number; corridorId: string }[] }[] }

const tokens = new Map<string, string>();
async function token(h: Harness, username: string): Promise<string> {
  const known = tokens.get(username);
  if (known) return known;
  // Says a refused login here: it otherwise surfaced later as a 401 on the first call made with "Bearer undefined".
  const tok = await loginToken(h, username);
  tokens.set(username, tok);
  return tok;
}

/** After `username`'s sessions were ended on the server: the next apiAs as them logs in again. */
export const forgetToken = (username: string): boolean => tokens.delete(username);

export async function apiAs<T>(h: Harness, username: string, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
  const res = await fetch(`${h.url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { authorization: `Bearer ${await token(h, username)}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  expect(res.ok, `${path}: ${res.status} ${await res.clone().text()}`).toBe(true);
  return (await res.json()) as T;
}

/** The demo has one driver login: the admin links it to the driver of a dispatched trip, which it returns. */
export async function linkDriverToTrip(h: Harness, username: string, trips: ProposalTrips['trips']): Promise<ProposalTrips['trips'][number]> {
  const me = await apiAs<{ id: string; driverId: string | null }>(h, username, '/api/auth/me');
  const trip = trips.find((t) => t.driverId && t.stops.length > 0);
  expect(trip).toBeDefined();
  if (me.driverId !== trip!.driverId) await apiAs(h, 'admin', `/api/admin/users/${me.id}/assignments`, { method: 'PUT', body: { driverId: trip!.driverId } });
  return trip!;
}

/** A medical pass for the resident's household, applied for, approved and issued (so the page shows its QR). */
export async function issuePassFor(h: Harness, resident: string, staff: string): Promise<void> {
  const me = await apiAs<{ householdId: string }>(h, resident, '/api/auth/me');
  let { hospitals } = await apiAs<{ hospitals: { id: string }[] }>(h, resident, '/api/hospitals');
  if (hospitals.length === 0) {
    await apiAs(h, 'dispatcher', '/api/hospitals', { body: { name: 'Zhongshan Hospital', lat: 31.1985, lon: 121.4555 } });
    ({ hospitals } = await apiAs<{ hospitals: { id: string }[] }>(h, resident, '/api/hospitals'));
  }
  const appointmentAt = new Date(Date.now() + 86_400_000).toISOString();
  const pass = await apiAs<{ id: string }>(h, resident, `/api/households/${me.householdId}/passes`, {
    body: { person: 'Wang Lan', hospitalId: hospitals[0]!.id, reason: 'dialysis', appointmentAt, needsEscort: false, needsWheelchair: false },
    headers: { 'idempotency-key': `screens-${process.pid}-pass` },
  });
  for (const action of ['review', 'approve', 'issue']) await apiAs(h, staff, `/api/passes/${pass.id}/${action}`, { method: 'POST' });
}

/**
 * Signs the dispatcher in and plans a round of the desk's first area from the page: its id, once its
 * timeline shows. A round that does not plan fails here saying why (roundProposed).
 */
export async function planOnDesk(h: Harness, page: Page): Promise<string> {
  await login(page, 'dispatcher');
  await page.waitForSelector('.leaflet-interactive');
  await page.click('form button[type=submit]');
  const named = '[data-round-id]:not([data-round-id=""])';
  await page.waitForSelector(named);
  const roundId = (await page.getAttribute(named, 'data-round-id')) ?? '';
  await roundProposed(h, await token(h, 'dispatcher'), roundId);
  // The page learns it from the live round.proposed alone.
  await page.waitForSelector('[data-testid=timeline]', { timeout: 15_000 });
  return roundId;
}
