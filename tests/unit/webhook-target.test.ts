/**
 * The pure parts of the outbound webhooks: which addresses are refused (SSRF), how allow-list
 * entries match, the registration check with a stubbed resolver (a name resolving inside is
 * refused like the address), the backoff schedule, and the Standard Webhooks signature against
 * the example of the specification's reference libraries.
 */
import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../src/services/webhooks/webhook-delivery.service';
import { signWebhook } from '../../src/services/webhooks/webhook-signature';
import { blockedRange, checkWebhookUrl, isAllowedHost, parseAllowHosts } from '../../src/services/webhooks/webhook-target';

describe('blockedRange', () => {
  it.each([
    ['127.0.0.1', 'loopback'], ['127.200.0.9', 'loopback'], ['::1', 'loopback'], ['::ffff:127.0.0.1', 'loopback'], ['::ffff:7f00:1', 'loopback'],
    ['10.0.0.1', 'private'], ['172.16.5.4', 'private'], ['172.31.255.255', 'private'], ['192.168.1.1', 'private'], ['100.64.0.1', 'private'],
    ['169.254.169.254', 'link-local'], ['fe80::1', 'link-local'], ['fd00::1', 'unique-local'], ['fc12::1', 'unique-local'],
    ['224.0.0.1', 'multicast'], ['ff02::1', 'multicast'], ['0.0.0.0', 'unspecified'], ['::', 'unspecified'], ['255.255.255.255', 'reserved'],
  ])('%s is %s', (address, range) => {
    expect(blockedRange(address)).toBe(range);
  });

  it.each(['203.0.113.9', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])('%s is public', (address) => {
    expect(blockedRange(address)).toBeNull();
  });
});

describe('WEBHOOK_ALLOW_HOSTS entries', () => {
  const allowed = parseAllowHosts(['hooks.internal', '127.0.0.1:8080', '[::1]:9000']);
  it.each([
    ['http://hooks.internal/x', true], ['https://HOOKS.internal:8443/x', true], ['http://127.0.0.1:8080/', true],
    ['http://127.0.0.1:8081/', false], ['http://127.0.0.1/', false], ['http://[::1]:9000/', true], ['http://[::1]:9001/', false],
    ['http://other.internal/', false],
  ])('%s allowed: %s', (url, expected) => {
    expect(isAllowedHost(new URL(url), allowed)).toBe(expected);
  });
});

describe('checkWebhookUrl', () => {
  const resolve = async (host: string) => ({ 'inside.example.org': ['203.0.113.5', '10.1.2.3'], 'outside.example.org': ['203.0.113.5'] })[host] ?? [];
  const fieldOf = async (url: string) =>
    checkWebhookUrl(url, [], resolve).then(() => null, (err: { errors?: { path: string[] }[] }) => err.errors?.[0]?.path.join('.'));

  it('refuses a name with any address inside, naming url; accepts one resolving outside', async () => {
    expect(await fieldOf('https://inside.example.org/hook')).toBe('url');
    expect(await fieldOf('https://outside.example.org/hook')).toBeNull();
    expect(await fieldOf('https://nowhere.example.org/hook')).toBe('url');
    expect(await fieldOf('http://outside.example.org/hook')).toBe('url');
    expect(await fieldOf('ftp://outside.example.org/hook')).toBe('url');
  });
});

describe('backoff', () => {
  it('doubles from the base up to the cap', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, 10_000, 3_600_000))).toEqual([10_000, 20_000, 40_000, 80_000, 160_000]);
    expect(backoffDelayMs(9, 10_000, 3_600_000)).toBe(2_560_000);
    expect(backoffDelayMs(10, 10_000, 3_600_000)).toBe(3_600_000);
    expect(backoffDelayMs(500, 10_000, 3_600_000)).toBe(3_600_000);
    // The defaults' 20 attempts span about 12 hours.
    const total = Array.from({ length: 19 }, (_, i) => backoffDelayMs(i + 1, 10_000, 3_600_000)).reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeGreaterThan(10);
    expect(total / 3_600_000).toBeLessThan(14);
  });
});

describe('signWebhook', () => {
  it('matches the Standard Webhooks specification example', () => {
    // The example of the standard's reference implementations (standard-webhooks/standard-webhooks, libraries/javascript tests).
    const headers = signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    expect(headers['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });
});
