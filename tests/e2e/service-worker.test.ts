/**
 * Web push in Chromium (issue #19, item 2): the resident's page shows the notice settings, the
 * service worker /sw.js registers under the page's CSP with nothing blocked, and a push message
 * delivered to it (through the DevTools protocol, as a push service would) is shown as a
 * notification with the payload's title and text. Headless Chromium has no push service of its
 * own, so the delivery itself is covered by tests/integration/notices.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { axeViolations, cspViolations, login, personPage, useHarness, type Harness } from './harness';

let h: Harness;

useHarness((started) => (h = started));

describe('service worker', () => {
  it('registers /sw.js under the CSP and shows a pushed notice', async () => {
    const { context, page } = await personPage(h);
    await context.grantPermissions(['notifications'], { origin: h.url });
    await login(page, 'resident.demo');
    await page.getByTestId('notice-settings').waitFor();
    expect(await axeViolations(page)).toEqual([]);

    const cdp = await context.newCDPSession(page);
    const registrations: { registrationId: string; scopeURL: string }[] = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e: { registrations: { registrationId: string; scopeURL: string }[] }) => registrations.push(...e.registrations));
    await cdp.send('ServiceWorker.enable');
    // Scripts as text: the tests' TypeScript has no DOM types.
    const scope = (await page.evaluate(`navigator.serviceWorker.register('/sw.js').then((reg) => navigator.serviceWorker.ready.then(() => reg.scope))`)) as string;
    expect(scope).toBe(`${h.url}/`);
    expect(await cspViolations(page)).toEqual([]);

    await expect.poll(() => registrations.find((r) => r.scopeURL === scope)?.registrationId, { timeout: 10_000 }).toBeTruthy();
    const registrationId = registrations.find((r) => r.scopeURL === scope)!.registrationId;
    const payload = { title: 'Delivery on its way', body: 'Cordon: your delivery is on its way to C1, expected between 14:15 and 14:45.', kind: 'delivery_eta', tag: 'delivery_eta', emergency: false, url: '/' };
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: h.url, registrationId, data: JSON.stringify(payload) });
    const shown = async () => page.evaluate(`navigator.serviceWorker.ready.then((reg) => reg.getNotifications())
      .then((list) => list.map((n) => ({ title: n.title, body: n.body, tag: n.tag })))`);
    await expect.poll(shown, { timeout: 10_000 }).toEqual([{ title: payload.title, body: payload.body, tag: 'delivery_eta' }]);
    await context.close();
  }, 90_000);
});
