/**
 * The desk's reads on the page (issue #17, items 2, 3 and 5, done means): the rounds list opens
 * yesterday's round, the district at a glance shows the API's numbers (and a number opens the
 * list behind it), and the round's paper downloads as PDFs holding the trip's stops, for the
 * dispatcher and for the trip's driver.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OverviewResponse } from '../../src/contracts/overview.contract';
import { pdfPages } from '../integration/pdf-read';
import { login, personPage, startHarness, type Harness } from './harness';
import { apiAs, forgetToken, linkDriverToTrip, planOnDesk, type ProposalTrips } from './screens.fixtures';

let h: Harness;
let desk: Awaited<ReturnType<typeof personPage>>;

beforeAll(async () => {
  h = await startHarness();
  desk = await personPage(h, { width: 1280, height: 900 });
}, 120_000);

afterAll(async () => {
  await desk?.context.close();
  await h?.close();
}, 60_000);

/** The figures as the API gives them, keyed as the page marks them (`data-figure`). */
function apiFigures(o: OverviewResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of o.communities) {
    const id = c.communityId;
    for (const n of c.needs) out[`needs:${id}:${n.kind}:${n.status}`] = String(n.count);
    out[`cycle-owed:${id}`] = String(c.cycle.owed);
    out[`cycle-delivered:${id}`] = String(c.cycle.delivered);
    for (const u of c.unserved) out[`unserved:${id}:${u.reason}`] = String(u.count);
    for (const f of c.failed) out[`failed:${id}:${f.reason}`] = String(f.count);
    for (const k of ['onTime', 'late', 'noWindow'] as const) out[`deliveries-${k}:${id}`] = String(c.deliveries[k]);
    out[`passes-inFlight:${id}`] = String(c.passes.inFlight.count);
    out[`passes-overdue:${id}`] = String(c.passes.overdue.count);
  }
  for (const s of o.stock) {
    out[`stock-onHand:${s.depotId}:${s.itemCode}`] = String(s.onHand);
    out[`stock-available:${s.depotId}:${s.itemCode}`] = String(s.available);
  }
  out['emergencies-total'] = String(o.emergencies.total);
  for (const k of ['waiting', 'assigned', 'done', 'unserved'] as const) out[`emergencies-${k}`] = String(o.emergencies[k]);
  return out;
}

async function pageFigures(page: Page): Promise<Record<string, string>> {
  const pairs = await page.locator('[data-figure]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-figure') ?? '', (e.textContent ?? '').trim()]));
  return Object.fromEntries(pairs);
}

/** Clicks a paper link and reads the downloaded PDF's text. */
async function downloadText(page: Page, selector: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator(selector).first().click()]);
  const path = await download.path();
  return (await pdfPages(readFileSync(path))).join(' ');
}

/** YYYY-MM-DD of a local date, as a date input takes it. */
const localDay = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

describe('the desk\'s reads', () => {
  let roundId = '';
  let trips: ProposalTrips['trips'] = [];
  let gates = new Map<string, string>();

  it('the rounds list opens yesterday\'s round', async () => {
    const { page } = desk;
    roundId = await planOnDesk(h, page);
    const now = new Date();
    const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1, 12, 0);
    await h.db.updateTable('rounds').set({ created_at: yesterday }).where('id', '=', roundId).execute();
    // Signed out and in again: the desk has forgotten the round; only the list can bring it back.
    await page.click('[data-testid=logout]');
    await login(page, 'dispatcher');
    await page.waitForSelector('.leaflet-interactive');
    expect(await page.locator('[data-testid=round-state]').count()).toBe(0);
    await page.click('[data-view=rounds]');
    await page.fill('#rounds-day', localDay(now));
    await expect.poll(() => page.locator(`[data-testid=round-row][data-round-id="${roundId}"]`).count()).toBe(0);
    await page.fill('#rounds-day', localDay(yesterday));
    const row = page.locator(`[data-testid=round-row][data-round-id="${roundId}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain('Mixed');
    await row.locator('button').click();
    await page.waitForSelector(`[data-round-status=proposed][data-round-id="${roundId}"]`);
    await page.waitForSelector('[data-testid=timeline]');
    trips = (await apiAs<ProposalTrips>(h, 'dispatcher', `/api/rounds/${roundId}/proposal`)).trips;
    const { areas } = await apiAs<{ areas: { id: string; name: string }[] }>(h, 'dispatcher', '/api/corridors');
    gates = new Map(areas.map((a) => [a.id, a.name]));
  }, 150_000);

  it('the round\'s paper downloads with the trip\'s stops, for the dispatcher and the trip\'s driver', async () => {
    const { page } = desk;
    const trip = trips.find((t) => t.stops.length > 0)!;
    const sheet = await downloadText(page, `[data-testid=route-sheet][href*="/trips/${encodeURIComponent(trip.id)}/"]`);
    expect(sheet).toContain('Route sheet');
    for (const s of trip.stops) expect(sheet).toContain(gates.get(s.corridorId));
    const labels = await downloadText(page, `[data-testid=bag-labels][href*="tripId=${encodeURIComponent(trip.id)}"]`);
    expect(labels).toContain(gates.get(trip.stops[0]!.corridorId));
    expect(await downloadText(page, '[data-testid=loading-list]')).toContain('Loading list');
    // The driver prints their own trip's sheet once the round is out.
    await page.click('text=Approve plan');
    await page.waitForSelector('[data-round-status=approved]');
    await page.click('button:has-text("Dispatch")');
    await page.waitForSelector('[data-round-status=dispatched]');
    trips = (await apiAs<ProposalTrips>(h, 'dispatcher', `/api/rounds/${roundId}/proposal`)).trips;
    const own = await linkDriverToTrip(h, 'driver.1', trips);
    const driver = await personPage(h);
    await login(driver.page, 'driver.1');
    const text = await downloadText(driver.page, `[data-batch-id="${roundId}_${own.id}"] [data-testid=route-sheet]`);
    for (const s of own.stops) expect(text).toContain(gates.get(s.corridorId));
    await driver.context.close();
  }, 120_000);

  it('the dashboard\'s numbers equal the API\'s, and a number opens the list behind it', async () => {
    const { page } = desk;
    await page.click('[data-view=glance]');
    await page.locator('[data-figure]').first().waitFor({ timeout: 20_000 });
    const api = apiFigures(await apiAs<OverviewResponse>(h, 'dispatcher', '/api/overview'));
    expect(Object.keys(api).some((k) => k.startsWith('needs:'))).toBe(true);
    await expect.poll(() => pageFigures(page), { timeout: 10_000 }).toEqual(api);
    const link = page.locator('button[data-figure^="needs:"]').first();
    const n = Number(await link.innerText());
    await link.click();
    await page.locator('[data-testid=figure-row]').first().waitFor();
    expect(await page.locator('[data-testid=figure-row]').count()).toBe(Math.min(n, 50));
  }, 60_000);

  it('a chief checks off doors offline and they arrive after reconnect; a photo and a waste pickup from the gate', async () => {
    const chief = await apiAs<{ corridorIds: string[] }>(h, 'chief.b1', '/api/auth/me');
    const stop = trips.flatMap((t) => t.stops).find((s) => chief.corridorIds.includes(s.corridorId));
    expect(stop, 'a stop of the dispatched round at the chief\'s gate').toBeDefined();
    const corridorId = stop!.corridorId;
    const { context, page } = await personPage(h);
    await login(page, 'chief.b1');
    await page.locator('.tabs button', { hasText: gates.get(corridorId)! }).click();
    const gate = page.locator(`[data-testid=gate-receive] .stop[data-stop-id="${stop!.id}"]`);
    await gate.waitFor({ timeout: 20_000 });
    const doors = gate.locator('[data-testid=gate-door]');
    const ids = await doors.evaluateAll((els) => els.map((e) => e.getAttribute('data-household-id') ?? ''));
    expect(ids.length).toBeGreaterThan(0);
    const expected: Record<string, string> = { [ids[0]!]: 'handed_over', ...(ids[1] ? { [ids[1]]: 'failed' } : {}) };

    await context.setOffline(true);
    await doors.nth(0).locator('input[type=checkbox]').check();
    if (ids[1]) {
      await doors.nth(1).locator('select').selectOption('refused');
      await doors.nth(1).locator('button', { hasText: 'Door failed' }).click();
    }
    for (const [i, id] of Object.keys(expected).entries()) {
      const door = gate.locator(`[data-testid=gate-door][data-household-id="${id}"]`);
      await expect.poll(() => door.getAttribute('data-queued')).toBe('true');
      expect(await door.getAttribute('data-outcome'), `door ${i}`).toBe(expected[id]);
    }
    const stored = async () => {
      const { deliveries } = await apiAs<{ deliveries: { stopId: string; households: { householdId: string; checkOff: { outcome: string; reason: string | null } | null }[] }[] }>(h, 'chief.b1', `/api/corridors/${corridorId}/deliveries`);
      const hs = deliveries.find((d) => d.stopId === stop!.id)?.households ?? [];
      return Object.fromEntries(hs.filter((x) => x.checkOff).map((x) => [x.householdId, x.checkOff!.outcome]));
    };
    // Nothing reached the server while the phone was offline.
    expect(await stored()).toEqual({});

    await context.setOffline(false);
    await expect.poll(stored, { timeout: 20_000 }).toEqual(expected);
    await expect.poll(() => gate.locator('[data-testid=gate-door][data-queued=true]').count(), { timeout: 20_000 }).toBe(0);
    // A photo of the handoff, from a file as the camera gives it, shows with the stop.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    await gate.locator('[data-testid=gate-photo-input]').last().setInputFiles({ name: 'door.png', mimeType: 'image/png', buffer: png });
    await gate.locator('[data-testid=gate-photo]').first().waitFor({ timeout: 15_000 });
    await expect.poll(() => gate.locator('[data-testid=gate-photo]').first().evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);
    // The corridor's waste, asked for from the same page.
    const waste = page.locator('[data-testid=waste-request]');
    await waste.locator('select').selectOption('close_contact');
    await waste.locator('input').nth(0).fill('7');
    await waste.locator('input').nth(1).fill('12.5');
    await waste.locator('button[type=submit]').click();
    await waste.locator('[data-testid=waste-requested]').waitFor();
    const { requests } = await apiAs<{ requests: { corridorId: string; category: string; bags: number; estimatedKg: number }[] }>(h, 'chief.b1', '/api/waste-requests');
    expect(requests.filter((r) => r.corridorId === corridorId && r.category === 'close_contact').map((r) => [r.bags, r.estimatedKg])).toEqual([[7, 12.5]]);
    await context.close();
  }, 90_000);

  it('a chief whose session the server ended while doors were ticked offline: the ticks wait on the phone and go after the same chief logs in again', async () => {
    const chief = await apiAs<{ id: string; corridorIds: string[] }>(h, 'chief.b1', '/api/auth/me');
    type Deliveries = { deliveries: { stopId: string; households: { householdId: string; checkOff: { outcome: string } | null }[] }[] };
    const deliveries = async (corridorId: string) => (await apiAs<Deliveries>(h, 'chief.b1', `/api/corridors/${corridorId}/deliveries`)).deliveries;
    // A door of the dispatched round at the chief's gates not ticked yet (the test before ticked two).
    let door: { corridorId: string; stopId: string; householdId: string } | undefined;
    for (const corridorId of chief.corridorIds) {
      const stopIds = new Set(trips.flatMap((t) => t.stops).filter((st) => st.corridorId === corridorId).map((st) => st.id));
      for (const d of await deliveries(corridorId)) {
        const open = stopIds.has(d.stopId) && d.households.find((x) => !x.checkOff);
        if (open) door ??= { corridorId, stopId: d.stopId, householdId: open.householdId };
      }
    }
    expect(door, 'an unticked door at the chief\'s gates').toBeDefined();
    const { corridorId, stopId, householdId } = door!;
    const checkOff = async () => (await deliveries(corridorId)).find((d) => d.stopId === stopId)?.households.find((x) => x.householdId === householdId)?.checkOff?.outcome ?? null;

    const { context, page } = await personPage(h);
    await login(page, 'chief.b1');
    await page.locator('.tabs button', { hasText: gates.get(corridorId)! }).click();
    const row = page.locator(`[data-testid=gate-receive] .stop[data-stop-id="${stopId}"] [data-testid=gate-door][data-household-id="${householdId}"]`);
    await row.waitFor({ timeout: 20_000 });
    await context.setOffline(true);
    await row.locator('input[type=checkbox]').check();
    await expect.poll(() => row.getAttribute('data-queued')).toBe('true');
    // The server ends every session of the chief (an admin revokes them) while the phone is offline.
    await apiAs(h, 'admin', `/api/admin/users/${chief.id}/revoke-sessions`, { method: 'POST' });
    forgetToken('chief.b1');
    await context.setOffline(false);
    // The tick's send meets the 401: the page goes to the login and says one record waits on the phone.
    const held = page.locator('[data-testid=login-held]');
    await held.waitFor({ timeout: 30_000 });
    expect(await held.textContent()).toContain('1 record');
    expect(await checkOff()).toBeNull();
    // Still there after a reload (the vault is held, sealed, not a session to resume).
    await page.reload();
    await held.waitFor();
    await login(page, 'chief.b1');
    await expect.poll(checkOff, { timeout: 20_000 }).toBe('handed_over');
    expect(await page.evaluate('localStorage.getItem("cordon.vault.held")')).toBeNull();
    await context.close();
  }, 90_000);

  it('a waste round is started from the desk and its trips say where they unload', async () => {
    const { page } = desk;
    await page.click('[data-view=desk]');
    await page.selectOption('#round-kind', 'waste');
    await page.click('form button[type=submit]');
    // Until the new round's status is read, the panel still shows the earlier round, under its own id.
    const fresh = `[data-round-status=proposed]:not([data-round-id="${roundId}"])`;
    await page.waitForSelector(fresh, { timeout: 60_000 });
    const id = (await page.getAttribute(fresh, 'data-round-id')) ?? '';
    expect(id).not.toBe(roundId);
    const proposal = await apiAs<{ trips: { unload: { siteName: string } | null }[] }>(h, 'dispatcher', `/api/rounds/${id}/proposal`);
    expect(proposal.trips.length).toBeGreaterThan(0);
    // The status shows before the proposal's trips are drawn: wait for them.
    const unloads = page.locator('[data-testid=trip-unload]');
    await expect.poll(() => unloads.count(), { timeout: 20_000 }).toBe(proposal.trips.length);
    const sites = await unloads.allTextContents();
    for (const [i, trip] of proposal.trips.entries()) expect(sites[i]).toContain(trip.unload!.siteName);
    await page.click('[data-view=rounds]');
    await page.selectOption('#rounds-kind', 'waste');
    await expect.poll(() => page.locator('[data-testid=round-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-round-id')))).toEqual([id]);

    // Out on the road, the pickup the chief asked for shows at their gate beside the deliveries, with the truck's plate (issue #18, item 5).
    for (const step of ['approve', 'dispatch']) await apiAs(h, 'dispatcher', `/api/rounds/${id}/${step}`, { method: 'POST' });
    const chief = await apiAs<{ corridorIds: string[] }>(h, 'chief.b1', '/api/auth/me');
    const { trips: wasteTrips } = await apiAs<{ trips: { vehiclePlate: string | null; stops: { id: string; corridorId: string }[] }[] }>(h, 'dispatcher', `/api/rounds/${id}/proposal`);
    const truck = wasteTrips.find((t) => t.stops.some((s) => chief.corridorIds.includes(s.corridorId)));
    expect(truck, 'a pickup at the chief\'s gate').toBeDefined();
    const stop = truck!.stops.find((s) => chief.corridorIds.includes(s.corridorId))!;
    const gate = await personPage(h);
    await login(gate.page, 'chief.b1');
    await gate.page.locator('.tabs button', { hasText: gates.get(stop.corridorId)! }).click();
    const pickup = gate.page.locator(`[data-testid=gate-waste] .stop[data-stop-id="${stop.id}"]`);
    await pickup.waitFor({ timeout: 20_000 });
    expect(await pickup.locator('[data-testid=gate-waste-truck]').innerText()).toBe(`Truck ${truck!.vehiclePlate}`);
    expect(await pickup.innerText()).toMatch(/^Waste pickup, planned \d\d:\d\d\s+Not yet picked up/);
    const { wastePickups } = await apiAs<{ wastePickups: { stopId: string; requested: unknown[] }[] }>(h, 'chief.b1', `/api/corridors/${stop.corridorId}/deliveries`);
    expect(await pickup.locator('li').count()).toBe(wastePickups.find((w) => w.stopId === stop.id)!.requested.length);
    await gate.context.close();
  }, 90_000);
});
