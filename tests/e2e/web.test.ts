/**
 * The web app end to end, in Chromium against the real server: a coordinator enters a need for an
 * elderly household (a server error shown at its field first); a dispatcher plans, approves and
 * dispatches a round watching the progress; the driver's page receives the batch and marks the
 * stop delivered; the coordinator's page shows it without reload; a resident applies for a medical
 * pass and sees it approved and issued (QR). Every page: axe-core, no serious/critical violations.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import { PASSWORD, axeViolations, cspViolations, login, loginToken, overflowsHorizontally, personPage, roundProposed, shot, useHarness, watchLiveSubscriptions, type Harness } from './harness';

let h: Harness;

const token = (username: string, password = PASSWORD): Promise<string> => loginToken(h, username, password);

async function get<T>(tok: string, path: string): Promise<T> {
  const res = await fetch(`${h.url}${path}`, { headers: { authorization: `Bearer ${tok}` } });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function checkPage(page: Page, name: string, phone: boolean): Promise<void> {
  await shot(page, name);
  expect(await axeViolations(page), `${name}: axe`).toEqual([]);
  // The page works under its Content-Security-Policy: nothing it needs was blocked.
  expect(await cspViolations(page), `${name}: CSP`).toEqual([]);
  if (phone) expect(await overflowsHorizontally(page), `${name}: fits 360 px`).toBe(false);
}

useHarness((started) => (h = started));

describe('web app', () => {
  it('coordinator > dispatcher > driver > coordinator, live', async () => {
    // Coordinator on a phone: an elderly household, a wrong quantity first.
    const coord = await personPage(h);
    await login(coord.page, 'chief.b1');
    const elderly = coord.page.locator('.households button', { hasText: 'Elderly, alone' }).first();
    const householdId = await elderly.getAttribute('data-household-id');
    await elderly.click();
    await coord.page.selectOption('#need-kind', 'gas');
    await coord.page.fill('#need-cylinders', '9');
    await coord.page.click('.need-form button[type=submit]');
    await expect.poll(() => coord.page.textContent('#need-cylinders-err')).toMatch(/4/);
    expect(await coord.page.getAttribute('#need-cylinders', 'aria-invalid')).toBe('true');
    await shot(coord.page, '01-coordinator-field-error');
    // Nothing typed is lost: the draft survives a reload.
    await coord.page.fill('#need-cylinders', '1');
    await coord.page.reload();
    await coord.page.locator(`[data-household-id="${householdId}"]`).click();
    expect(await coord.page.inputValue('#need-cylinders')).toBe('1');
    await coord.page.click('.need-form button[type=submit]');
    await coord.page.waitForSelector('.need-form .banner-ok');
    expect(await elderly.textContent()).toContain('Contacted today');
    await checkPage(coord.page, '02-coordinator-need-saved', true);

    // The door-to-door table as CSV: a refused row is named by line, then a good file goes in.
    const csv = (cylinders: number) => ({ name: 'round.csv', mimeType: 'text/csv', buffer: Buffer.from(`household_id,kind,cylinders\n${householdId},gas,${cylinders}\n`) });
    await coord.page.setInputFiles('#csv-file', csv(9));
    await coord.page.click('form[aria-label="Upload a CSV table"] button[type=submit]');
    await expect.poll(() => coord.page.textContent('#csv-file-err'), { timeout: 10_000 }).toMatch(/Line 2/);
    await shot(coord.page, '02a-coordinator-csv-refused');

    const chief = await token('chief.b1');
    const { needs } = await get<{ needs: { id: string; kind: string; status: string }[] }>(chief, `/api/households/${householdId}/needs`);
    const need = needs.find((n) => n.kind === 'gas' && n.status === 'accepted');
    expect(need).toBeDefined();

    // Dispatcher at a big screen: start a round for the district, watch it, approve, dispatch.
    const desk = await personPage(h, { width: 1280, height: 900 });
    await login(desk.page, 'dispatcher');
    await desk.page.waitForSelector('.leaflet-interactive');
    await desk.page.click('form button[type=submit]');
    await desk.page.waitForSelector('#round-progress');
    // The round the page started (it names it once POST /api/rounds answered).
    const named = '[data-round-id]:not([data-round-id=""])';
    await desk.page.waitForSelector(named);
    const started = (await desk.page.getAttribute(named, 'data-round-id')) ?? '';
    await shot(desk.page, '03-dispatcher-planning');
    // Planned, as the API says: if not, the failure names the round's status, its reason and the workers' last log lines.
    await roundProposed(h, await token('dispatcher'), started);
    // Then the page, which learns it from the live events alone (round.progress, round.proposed on the dispatch scope).
    await expect
      .poll(() => desk.page.getAttribute('#round-progress', 'value'), {
        timeout: 15_000,
        interval: 500,
        message: `round ${started} is proposed (API), yet the desk's progress did not reach 100: its live events did not reach the page, or it did not act on them`,
      })
      .toBe('100');
    await desk.page.waitForSelector('[data-testid=proposal]');
    // The stock allocation that ran before routing is explained next to the unserved list.
    expect(await desk.page.textContent('[data-testid=allocation]')).toMatch(/Allocated before routing by linear programming/);
    // The dispatcher locks a stop of the first trip (the server answers with the new proposal).
    const firstTrip = desk.page.locator('details.trip').first();
    await firstTrip.locator('summary').click();
    // Vans make several trips a shift: each says when it leaves the depot (no clock start: an offset).
    expect(await firstTrip.locator('summary time').textContent()).toMatch(/^leaves (at the start|\+(\d+ h )?\d+ min)$/);
    await firstTrip.locator('input[type=checkbox]').first().check();
    const lockedRound = (await desk.page.getAttribute('[data-round-id]', 'data-round-id')) ?? '';
    const lockedStops = async () => (await get<{ trips: { stops: { locked: boolean }[] }[] }>(await token('dispatcher'), `/api/rounds/${lockedRound}/proposal`)).trips.flatMap((t) => t.stops).filter((x) => x.locked).length;
    await expect.poll(lockedStops).toBe(1);
    await checkPage(desk.page, '04-dispatcher-proposal', false);
    await desk.page.click('text=Approve plan');
    await desk.page.waitForSelector('[data-round-status=approved]');
    await desk.page.click('button:has-text("Dispatch")');
    await desk.page.waitForSelector('[data-round-status=dispatched]');

    // The trip carrying our need, and its driver: give that driver a login.
    const roundId = (await desk.page.getAttribute('[data-round-id]', 'data-round-id')) ?? '';
    const dispatcher = await token('dispatcher');
    const proposal = await get<{ trips: { id: string; driverId: string | null; stops: { id: string; seq: number; bags: { needId: string }[] }[] }[] }>(dispatcher, `/api/rounds/${roundId}/proposal`);
    const trip = proposal.trips.find((t) => t.stops.some((s) => s.bags.some((b) => b.needId === need?.id)));
    expect(trip?.driverId).toBeTruthy();
    const stop = trip!.stops.find((s) => s.bags.some((b) => b.needId === need?.id))!;
    // Every demo driver has a login (driver.1 ... driver.N): sign in as the one this trip went to.
    // The demo has one driver login (driver.1): the admin links it to the driver this trip went to.
    const driverMe = await get<{ id: string; driverId: string | null }>(await token('driver.1'), '/api/auth/me');
    if (driverMe.driverId !== trip!.driverId) {
      const linked = await fetch(`${h.url}/api/admin/users/${driverMe.id}/assignments`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await token('admin')}` },
        body: JSON.stringify({ driverId: trip!.driverId }),
      });
      expect(linked.ok, await linked.clone().text()).toBe(true);
    }
    const driverLogin = 'driver.1';

    // Driver on a phone: the batch is there, mark the stop delivered.
    const drv = await personPage(h, { at: { latitude: 31.1834, longitude: 121.4283 } });
    const subscribed = watchLiveSubscriptions(drv.page);
    await login(drv.page, driverLogin!);
    const batch = drv.page.locator(`[data-batch-id="${roundId}_${trip!.id}"]`);
    await batch.waitFor({ timeout: 15_000 });
    expect(await batch.locator('h2 time').textContent()).toMatch(/^leaves (at the start|\+(\d+ h )?\d+ min)$/);
    const stopCard = batch.locator(`[data-seq="${stop.seq}"]`);
    await checkPage(drv.page, '05-driver-batch', true);
    // The batches kept for a reload without network are encrypted at rest: no id of them in clear.
    const stored = async () => (await drv.page.evaluate('JSON.stringify(localStorage)')) as string;
    await expect.poll(stored).toContain('cordon.vault.data');
    expect(await stored()).not.toContain(trip!.id);
    // A change to the driver's trips is pushed to their own scope: the page reloads its batches at
    // once (nothing polls while the live connection is up).
    const reloads: string[] = [];
    drv.page.on('request', (r) => void (new URL(r.url()).pathname === '/api/me/batches' && reloads.push(r.url())));
    // Once the page follows the driver's scope (the server acknowledged it), not after a set time.
    await expect.poll(() => subscribed(`driver:${trip!.driverId}`), { timeout: 15_000 }).toBe(true);
    const before = reloads.length;
    await h.live.publish([`driver:${trip!.driverId}`], { type: 'driver.batches_changed', driverId: trip!.driverId!, cause: 'urgent_inserted', roundId, batchIds: [`${roundId}_${trip!.id}`] });
    await expect.poll(() => reloads.length, { timeout: 5000 }).toBeGreaterThan(before);
    // The code the coordinator types at the gate: on the driver's stop, six digits.
    const handoffCode = (await stopCard.locator('[data-testid=handoff-code]').textContent())?.trim() ?? '';
    expect(handoffCode).toMatch(/^\d{6}$/);
    // A network drop at the gate: the reports wait in the queue and go out when back.
    await drv.context.setOffline(true);
    await stopCard.locator('button', { hasText: 'Arrived' }).click();
    await stopCard.locator('button', { hasText: 'Delivered' }).click();
    await expect.poll(() => stopCard.getAttribute('data-status')).toBe('delivered');
    await expect.poll(() => drv.page.textContent('[data-testid=queued]'), { timeout: 10_000 }).toContain('2 reports');
    await shot(drv.page, '06a-driver-offline-queued');
    // Meanwhile the coordinator confirms the handover with the driver's code: a wrong one first.
    const gateStop = coord.page.locator(`[data-testid=gate-receive] .stop[data-stop-id="${stop.id}"]`);
    await gateStop.waitFor({ timeout: 15_000 });
    const wrongCode = handoffCode === '000000' ? '000001' : '000000';
    await gateStop.locator('[data-testid=handoff-form] input').fill(wrongCode);
    await gateStop.locator('[data-testid=handoff-form] button[type=submit]').click();
    await expect.poll(() => coord.page.textContent(`#handoff-${stop.id}-err`)).toMatch(/wrong code/);
    await shot(coord.page, '06b-coordinator-wrong-handoff-code');
    await gateStop.locator('[data-testid=handoff-form] input').fill(handoffCode);
    await gateStop.locator('[data-testid=handoff-form] button[type=submit]').click();
    await expect.poll(() => gateStop.getAttribute('data-status'), { timeout: 15_000 }).toBe('delivered');
    // The driver's queued reports still go out (the stop is closed already: acknowledged, nothing repeated).
    await drv.context.setOffline(false);
    await expect.poll(() => drv.page.locator('[data-testid=queued]').count(), { timeout: 20_000 }).toBe(0);
    await shot(drv.page, '06-driver-delivered');

    // The coordinator's page, never reloaded, shows the delivery at the gate.
    await coord.page.waitForSelector('[data-testid=delivery-feed] .feed-delivered', { timeout: 15_000 });
    // ...and the household's need moves to delivered (the round is settled from the stop report).
    await expect.poll(() => coord.page.locator('[data-testid=need-status]', { hasText: 'Delivered' }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    // Receiving at the gate: the stop is listed delivered; the coordinator ticks the household off.
    const received = coord.page.locator('[data-testid=gate-receive] .stop[data-status=delivered]');
    await received.waitFor({ timeout: 15_000 });
    // The list re-renders as the live delivery events land; a tick given mid-render can be redrawn
    // unticked (seen in CI), so tick until it holds.
    const tick = received.locator('input[type=checkbox]').first();
    await vi.waitFor(async () => {
      await tick.check({ timeout: 2000 });
      expect(await tick.isChecked()).toBe(true);
    }, { timeout: 15_000, interval: 200 });
    await shot(coord.page, '07-coordinator-delivered-live');
    expect(await axeViolations(coord.page)).toEqual([]);
    await desk.page.waitForSelector('[data-testid=outcomes] .feed-delivered', { timeout: 15_000 });
    // The van's GPS fix reached the desk.
    await desk.page.waitForSelector('[data-testid=vehicle]', { timeout: 15_000 });
    await shot(desk.page, '08-dispatcher-outcomes');
    await Promise.all([coord.context.close(), desk.context.close(), drv.context.close()]);
  }, 120_000);

  it('resident applies for a medical pass; staff approve and issue; resident sees it live, with the QR code', async () => {
    // The demo district has no hospital: the dispatch desk adds one.
    const added = await fetch(`${h.url}/api/hospitals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token('dispatcher')}` },
      body: JSON.stringify({ name: 'Zhongshan Hospital', lat: 31.1985, lon: 121.4555 }),
    });
    expect(added.status).toBe(201);
    const res = await personPage(h, { locale: 'zh-CN' });
    await login(res.page, 'resident.demo');
    expect(await res.page.textContent('h1')).toContain('申请');
    // An error from the server at its field: no person given.
    await res.page.fill('#pass-reason', 'dialysis');
    await res.page.fill('#pass-appointment', new Date(Date.now() + 86_400_000).toISOString().slice(0, 11) + '10:00');
    await res.page.click('form[aria-label] button:has-text("申请就医通行证")');
    await res.page.waitForSelector('#pass-person-err');
    await shot(res.page, '09-resident-pass-field-error');
    await res.page.fill('#pass-person', 'Wang Lan');
    await res.page.click('form[aria-label] button:has-text("申请就医通行证")');
    await res.page.waitForSelector('[data-pass-status=applied]');
    await checkPage(res.page, '10-resident-pass-applied', true);

    const staff = await personPage(h);
    await login(staff.page, 'staff.jianguo');
    const application = staff.page.locator('[data-testid=pass-application]', { hasText: 'Wang Lan' });
    await application.waitFor({ timeout: 20_000 });
    await checkPage(staff.page, '11-staff-review', true);
    await application.locator('button', { hasText: 'Approve' }).click();
    await res.page.waitForSelector('[data-pass-status=approved]', { timeout: 15_000 });
    await shot(res.page, '12-resident-pass-approved-live');
    await staff.page.locator('[data-testid=pass-application]', { hasText: 'Wang Lan' }).locator('button', { hasText: 'Issue pass' }).click();
    await res.page.waitForSelector('[data-testid=pass-qr]', { timeout: 15_000 });
    await checkPage(res.page, '13-resident-pass-qr', true);
    await Promise.all([res.context.close(), staff.context.close()]);
  }, 90_000);
});
