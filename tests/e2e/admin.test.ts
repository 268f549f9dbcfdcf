/**
 * The administrator's page end to end (issue #15), in Chromium against the real server: a register
 * file with a broken row is checked and refused by line and column, corrected and imported, and
 * imported again without duplicating a household; a grid file brings a new community, whose risk
 * map the admin changes (with history), whose retirement is refused with the API's reason, and
 * whose unit-chief accounts the admin creates in bulk; a new unit chief logs in with the one-time
 * password, must change it, and then sees only their corridor. A webhook endpoint is added on the
 * webhooks view (an internal address refused in plain words first), and its switching off by the
 * workers shows live as an alert. axe and the CSP on every view.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { PASSWORD, axeViolations, cspViolations, login, personPage, shot, useHarness, type Harness } from './harness';

let h: Harness;

async function adminGet<T>(path: string): Promise<T> {
  const auth = await fetch(`${h.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
  const { token } = (await auth.json()) as { token: string };
  const res = await fetch(`${h.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function checkPage(page: Page, name: string): Promise<void> {
  await shot(page, name);
  expect(await axeViolations(page), `${name}: axe`).toEqual([]);
  expect(await cspViolations(page), `${name}: CSP`).toEqual([]);
}

const csvFile = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

/** Sends the chosen file with one of the import buttons and waits for the page's answer. */
async function sendFile(page: Page, kind: string, file: ReturnType<typeof csvFile>, button: 'Check (dry run)' | 'Import'): Promise<void> {
  await page.selectOption('#import-kind', kind);
  await page.setInputFiles('#import-file', file);
  await page.locator('.table-import button', { hasText: button }).click();
  await page.waitForSelector('[data-testid=import-report], [data-testid=import-refused]', { timeout: 20_000 });
}

const report = (page: Page, what: 'created' | 'updated' | 'unchanged' | 'refused') => page.getAttribute('[data-testid=import-report]', `data-${what}`);

useHarness((started) => (h = started));

describe('admin page', () => {
  it('imports a register file: a broken row named by line and column, fixed, imported, imported again without duplicates', async () => {
    const { page, context } = await personPage(h, { width: 1280, height: 900 });
    await login(page, 'admin');
    await page.waitForSelector('h1:has-text("Administration")');
    await page.waitForSelector('li[data-kind=district]');
    await checkPage(page, '30-admin-page');

    const corridor = 'Jianguo West Community,Building 2 Unit 1';
    const register = (members: string) =>
      csvFile('register.csv', [
        'community,corridor,address,members,elderly_alone,infection_status',
        `${corridor},"Jianguo West Community, Building 2, Unit 1, Flat 101",6,no,none`,
        `${corridor},E2E Flat 901,2,yes,none`,
        `${corridor},E2E Flat 902,${members},no,none`,
      ].join('\n') + '\n');

    // The dry run reports the broken row (the file's line 4, its members) and writes nothing.
    await sendFile(page, 'households', register('forty'), 'Check (dry run)');
    expect(await page.getAttribute('[data-testid=import-report]', 'data-dry-run')).toBe('true');
    expect(await report(page, 'refused')).toBe('1');
    const dryProblem = page.locator('[data-testid=import-report] [data-testid=import-problems] tbody tr');
    expect(await dryProblem.count()).toBe(1);
    expect(await dryProblem.getAttribute('data-line')).toBe('4');
    expect(await dryProblem.getAttribute('data-column')).toMatch(/members/);
    // The real import is refused whole, the problem document's rows shown as a table.
    await sendFile(page, 'households', register('forty'), 'Import');
    const refused = page.locator('[data-testid=import-refused] [data-testid=import-problems] tbody tr');
    expect(await refused.count()).toBe(1);
    expect(await refused.getAttribute('data-line')).toBe('4');
    expect(await refused.locator('td').nth(1).textContent()).toMatch(/members/);
    expect(await page.textContent('[data-testid=import-refused] .banner-error')).toBeTruthy();
    await checkPage(page, '31-admin-register-refused');

    const countOf = async (address: string): Promise<number> => {
      const { areas } = await adminGet<{ areas: { id: string; name: string }[] }>('/api/corridors');
      let n = 0;
      for (const c of areas.filter((a) => a.name === 'Building 2 Unit 1')) {
        const { households } = await adminGet<{ households: { address: string; members: number }[] }>(`/api/households?corridorId=${c.id}&limit=1000`);
        n += households.filter((x) => x.address === address).length;
      }
      return n;
    };
    expect(await countOf('E2E Flat 901')).toBe(0);

    // Fixed and sent again: two households created, the known one updated.
    await sendFile(page, 'households', register('4'), 'Import');
    expect(await page.getAttribute('[data-testid=import-report]', 'data-dry-run')).toBe('false');
    expect([await report(page, 'created'), await report(page, 'updated'), await report(page, 'refused')]).toEqual(['2', '1', '0']);
    await shot(page, '32-admin-register-imported');
    // The same file once more: matched by address, nothing new.
    await sendFile(page, 'households', register('4'), 'Import');
    expect([await report(page, 'created'), await report(page, 'updated'), await report(page, 'unchanged')]).toEqual(['0', '0', '3']);
    expect(await countOf('E2E Flat 901')).toBe(1);
    expect(await countOf('E2E Flat 902')).toBe(1);
    // The same page in Chinese.
    await page.selectOption('header select', 'zh-CN');
    await expect.poll(() => page.textContent('main h1')).toBe('系统管理');
    expect(await page.textContent('[data-testid=import-report]')).toContain('已导入 3 行');
    await checkPage(page, '33-admin-page-zh');
    await context.close();
  }, 120_000);

  it('a new community from a grid file: risk map, a refused retirement, unit chiefs in bulk; a chief changes the one-time password and sees only their corridor', async () => {
    const { page, context } = await personPage(h, { width: 1280, height: 900 });
    await login(page, 'admin');
    await page.waitForSelector('li[data-kind=district]');
    const parent = 'Xuhui Demo District / Tianping Road Subdistrict';
    await sendFile(page, 'grid', csvFile('grid.csv', [
      'level,name,parent,lat,lon',
      `community,E2E Garden,${parent},31.1850,121.4400`,
      `corridor,E2E Gate East,${parent} / E2E Garden,31.1851,121.4401`,
      `corridor,E2E Gate West,${parent} / E2E Garden,31.1852,121.4402`,
    ].join('\n') + '\n'), 'Import');
    expect(await report(page, 'created')).toBe('3');

    // Down the tree to the new community, by name.
    await page.locator('li[data-kind=street]', { hasText: 'Tianping Road Subdistrict' }).locator('> .tree-row .tree-toggle').click();
    const garden = page.locator('li[data-kind=community] > .tree-row .row-button', { hasText: 'E2E Garden' });
    await garden.click();
    await page.waitForSelector('[data-testid=area-detail] h3:has-text("E2E Garden")');

    // Its place on the risk map, with a reason, lands in its history.
    await page.selectOption('#risk-level', 'yellow');
    await page.fill('#risk-reason', 'E2E notice 7');
    await page.locator('form[aria-label="Change the risk map"] button[type=submit]').click();
    await expect.poll(() => page.locator('[data-testid=risk-history] li').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.textContent('[data-testid=risk-history]')).toContain('E2E notice 7');
    // Retiring it is refused while its corridors are in use: the API's reason is shown.
    await page.locator('[data-testid=area-retire] button', { hasText: 'Retire' }).click();
    await page.locator('[data-testid=area-retire] button.danger', { hasText: 'Retire' }).click();
    await expect.poll(() => page.textContent('[data-testid=area-retire] .banner-error'), { timeout: 10_000 }).toMatch(/still holds 2 area/);

    // A unit chief per corridor, no staff.
    await page.fill('#bulk-staff', '0');
    await page.locator('form[aria-label="Accounts in bulk"] button[type=submit]').click();
    const chiefs = page.locator('[data-testid=bulk-result] tr[data-role=coordinator]');
    await expect.poll(() => chiefs.count(), { timeout: 20_000 }).toBe(2);
    await checkPage(page, '34-admin-bulk-accounts');
    const east = chiefs.filter({ hasText: 'E2E Gate East' });
    const username = (await east.getAttribute('data-username')) ?? '';
    const oneTime = (await east.locator('.one-time-password').textContent())?.trim() ?? '';
    expect(username).not.toBe('');
    expect(oneTime.length).toBeGreaterThanOrEqual(20);
    expect(await chiefs.filter({ hasText: 'E2E Gate West' }).count()).toBe(1);

    // The printable sheet: one more staff account, its one-time password in a PDF.
    await page.fill('#bulk-staff', '1');
    await page.locator('form[aria-label="Accounts in bulk"] button', { hasText: 'printable sheet' }).click();
    const sheet = page.locator('[data-testid=bulk-sheet]');
    await sheet.waitFor({ timeout: 30_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), sheet.click()]);
    expect(download.suggestedFilename()).toBe('accounts-E2E Garden.pdf');
    expect(readFileSync(await download.path()).subarray(0, 5).toString()).toBe('%PDF-');
    expect(await cspViolations(page)).toEqual([]);

    // Webhooks (issue #19): an address inside the network is refused in plain words; a public one is added, its secret shown once, and listed.
    await page.locator('.view-switch button', { hasText: 'Webhooks' }).click();
    const create = page.locator('[data-testid=webhook-create]');
    await create.locator('input[type=url]').fill('https://127.0.0.1/cordon');
    await create.locator('label', { hasText: 'Round dispatched' }).locator('input').check();
    await create.locator('label', { hasText: 'Handed over at a gate' }).locator('input').check();
    await create.locator('button[type=submit]').click();
    await expect.poll(() => create.locator('.field-error').textContent(), { timeout: 10_000 }).toContain('private or local network');
    await create.locator('input[type=url]').fill('https://203.0.113.10/cordon');
    await create.locator('button[type=submit]').click();
    expect(await page.locator('[data-testid=webhook-secret] code').textContent({ timeout: 10_000 })).toMatch(/^whsec_/);
    const listed = page.locator('[data-testid=webhook][data-url="https://203.0.113.10/cordon"]');
    expect(await listed.textContent()).toContain('Round dispatched, Handed over at a gate');
    await checkPage(page, '36-admin-webhooks');
    // The workers switch it off after failing (as webhook-delivery.service records it): the alert and its state show live.
    const [off] = await h.db.updateTable('webhook_endpoints').set({ enabled: false, consecutive_failures: 20, disabled_at: new Date(), disabled_reason: '20 failed attempts in a row (last: HTTP 502)' })
      .where('url', '=', 'https://203.0.113.10/cordon').returning('id').execute();
    await h.live.publish(['dispatch'], { type: 'webhook.disabled', endpointId: off!.id, consecutiveFailures: 20, at: new Date().toISOString() });
    await expect.poll(() => page.locator('[data-testid=webhook-alert]').textContent(), { timeout: 10_000 }).toContain('switched off after 20 failed deliveries');
    await expect.poll(() => listed.getAttribute('data-enabled')).toBe('false');
    expect(await listed.locator('[data-testid=webhook-state]').textContent()).toMatch(/^Off since .*: 20 failed deliveries in a row$/);
    await checkPage(page, '37-admin-webhook-disabled');

    // The admin still reaches the dispatch desk.
    await page.locator('.view-switch button', { hasText: 'Dispatch desk' }).click();
    await page.waitForSelector('.leaflet-interactive');
    await context.close();

    // The new unit chief: the one-time password, the forced change, then only their corridor.
    const chief = await personPage(h);
    await chief.page.goto('/');
    await chief.page.fill('#login-username', username);
    await chief.page.fill('#login-password', oneTime);
    await chief.page.click('form button[type=submit]');
    await chief.page.waitForSelector('[data-testid=password-change]');
    await chief.page.fill('#pw-current', oneTime);
    await chief.page.fill('#pw-new', 'lanterns over the east gate at dusk');
    await chief.page.click('[data-testid=password-change] button[type=submit]');
    await chief.page.waitForSelector('[data-testid=live-status]');
    const tabs = chief.page.locator('.tabs[role=group] button');
    await expect.poll(() => tabs.allTextContents()).toEqual(['E2E Gate East']);
    expect(await chief.page.locator('text=E2E Gate West').count()).toBe(0);
    await checkPage(chief.page, '35-new-chief-own-corridor');
    await chief.context.close();
  }, 150_000);
});
