/**
 * Waste custody from the pages (issue #18, item 2): a driver of a dispatched waste trip records a
 * stop's pickup, the trip's weight at the disposal site (30% light) and the vehicle's disinfection
 * on their page; the desk, told live, shows the trip's weights with the difference flagged.
 */
import { describe, expect, it } from 'vitest';
import { login, personPage, useHarness, type Harness } from './harness';
import { apiAs, linkDriverToTrip, type ProposalTrips } from './screens.fixtures';

let h: Harness;

useHarness((started) => (h = started));

type Custody = { pickedKg: number; unload: { kg: number; discrepancy: number | null; flagged: boolean } | null; disinfection: { agent: string } | null };

describe('waste custody', () => {
  it('a driver records pickup, site weight and disinfection; the desk shows the flag', async () => {
    const chief = await apiAs<{ corridorIds: string[] }>(h, 'chief.b1', '/api/auth/me');
    await apiAs(h, 'chief.b1', `/api/corridors/${chief.corridorIds[0]}/waste-requests`, { body: { bags: 4, estimatedKg: 20, category: 'close_contact' } });

    const desk = await personPage(h, { width: 1280, height: 900 });
    await login(desk.page, 'dispatcher');
    await desk.page.waitForSelector('.leaflet-interactive');
    await desk.page.selectOption('#round-kind', 'waste');
    await desk.page.click('form button[type=submit]');
    await desk.page.waitForSelector('[data-round-status=proposed]', { timeout: 60_000 });
    const roundId = (await desk.page.getAttribute('[data-round-id]', 'data-round-id')) ?? '';
    await desk.page.click('text=Approve plan');
    await desk.page.waitForSelector('[data-round-status=approved]');
    await desk.page.click('button:has-text("Dispatch")');
    await desk.page.waitForSelector('[data-round-status=dispatched]');
    const trip = await linkDriverToTrip(h, 'driver.1', (await apiAs<ProposalTrips>(h, 'dispatcher', `/api/rounds/${roundId}/proposal`)).trips);

    const driver = await personPage(h);
    await login(driver.page, 'driver.1');
    const batch = driver.page.locator(`[data-batch-id="${roundId}_${trip.id}"]`);
    const pickup = batch.locator('[data-testid=waste-pickup]').first();
    await pickup.locator('input[name=bags]').fill('4');
    await pickup.locator('input[name=kg]').fill('20');
    await pickup.locator('button[type=submit]').click();
    await expect.poll(() => pickup.locator('[data-testid=waste-pickup-recorded]').innerText()).toMatch(/^Picked up: 4 bags, 20 kg$/);
    await expect(batch.locator('[data-testid=awaiting-disinfection]').innerText()).resolves.toContain('food or medicine');
    // The weight sent, and the page's reload of its batches held back: the weight stays shown, its form does not come back.
    let reload!: () => void;
    const reloaded = new Promise<void>((resolve) => (reload = resolve));
    await driver.page.route('**/api/me/batches', async (route) => (await reloaded, await route.continue()));
    const sent = driver.page.waitForResponse((r) => r.url().endsWith('/waste-unload') && r.ok());
    await batch.locator('[data-testid=waste-unload-form] input[name=kg]').fill('14');
    await batch.locator('[data-testid=waste-unload-form] button[type=submit]').click();
    await sent;
    await expect.poll(() => batch.locator('[data-testid=waste-unloaded]').innerText()).toBe('Weighed at the site: 14 kg');
    expect(await batch.locator('[data-testid=waste-unload-form]').count()).toBe(0);
    reload();
    await batch.locator('[data-testid=disinfection-form] input[name=agent]').fill('chlorine 1000 mg/L');
    await batch.locator('[data-testid=disinfection-form] button[type=submit]').click();
    await expect.poll(() => batch.locator('[data-testid=disinfected]').innerText()).toBe('Disinfected with chlorine 1000 mg/L');
    expect(await batch.locator('[data-testid=awaiting-disinfection]').count()).toBe(0);

    // What the server holds, and the desk shows it flagged without a reload.
    await expect.poll(async () => {
      const p = await apiAs<{ trips: { id: string; custody?: Custody | null }[] }>(h, 'dispatcher', `/api/rounds/${roundId}/proposal`);
      return p.trips.find((t) => t.id === trip.id)?.custody;
    }).toMatchObject({ pickedKg: 20, unload: { kg: 14, discrepancy: expect.closeTo(0.3, 5), flagged: true }, disinfection: { agent: 'chlorine 1000 mg/L' } });
    const row = desk.page.locator('[data-testid=trip-custody-row][data-flagged=true]');
    await row.waitFor({ timeout: 20_000 });
    expect(await row.locator('[data-testid=custody-discrepancy]').innerText()).toContain('30%');
    expect(await desk.page.locator('[data-testid=trip-custody-row]').count()).toBeGreaterThan(0);
    await driver.context.close();
    await desk.context.close();
  }, 180_000);
});
