/**
 * Where webhooks may go (SSRF). An admin's URL is checked at registration and its host resolved
 * again at every delivery, inside the connection's own DNS lookup, so the address checked is the
 * address connected to (a name that resolves to a public address at registration and to 127.0.0.1
 * later, DNS rebinding, is refused at delivery). Refused: loopback, unspecified, private (RFC 1918
 * and the 100.64/10 shared space), link-local (169.254/16 with the cloud metadata service, fe80::/10),
 * unique-local (fc00::/7), multicast and reserved ranges; IPv4-mapped IPv6 addresses count as their
 * IPv4 address. https is required.
 *
 * WEBHOOK_ALLOW_HOSTS lists `host` or `host:port` entries an operator trusts explicitly (an
 * in-cluster receiver, the tests' local one): for those neither the ranges nor https are checked.
 * An entry without a port allows every port of that host; the host is compared as written in the
 * URL (a name is not resolved to match an address entry).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { AppError } from '../../shared/errors';

export interface AllowedHost {
  host: string;
  /** null: any port. */
  port: number | null;
}

/** Parses `host`, `host:port`, `[v6]` or `[v6]:port` entries (lower-cased). */
export function parseAllowHosts(entries: readonly string[]): AllowedHost[] {
  return entries.map((entry) => {
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(entry.trim().toLowerCase());
    if (!m) throw new Error(`WEBHOOK_ALLOW_HOSTS: not host[:port]: ${entry}`);
    return { host: m[1]!.replace(/^\[|\]$/g, ''), port: m[2] === undefined ? null : Number(m[2]) };
  });
}

const bareHost = (url: URL): string => url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
const portOf = (url: URL): number => (url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);

export function isAllowedHost(url: URL, allowed: readonly AllowedHost[]): boolean {
  const host = bareHost(url);
  const port = portOf(url);
  return allowed.some((a) => a.host === host && (a.port === null || a.port === port));
}

const RANGES: readonly [label: string, network: string, prefix: number, family: 'ipv4' | 'ipv6'][] = [
  ['unspecified', '0.0.0.0', 8, 'ipv4'],
  ['private', '10.0.0.0', 8, 'ipv4'],
  ['private', '100.64.0.0', 10, 'ipv4'],
  ['loopback', '127.0.0.0', 8, 'ipv4'],
  ['link-local', '169.254.0.0', 16, 'ipv4'],
  ['private', '172.16.0.0', 12, 'ipv4'],
  ['reserved', '192.0.0.0', 24, 'ipv4'],
  ['private', '192.168.0.0', 16, 'ipv4'],
  ['reserved', '198.18.0.0', 15, 'ipv4'],
  ['multicast', '224.0.0.0', 4, 'ipv4'],
  ['reserved', '240.0.0.0', 4, 'ipv4'],
  ['unspecified', '::', 128, 'ipv6'],
  ['loopback', '::1', 128, 'ipv6'],
  ['link-local', 'fe80::', 10, 'ipv6'],
  ['unique-local', 'fc00::', 7, 'ipv6'],
  ['multicast', 'ff00::', 8, 'ipv6'],
];
const LISTS = RANGES.map(([label, network, prefix, family]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { label, list };
});

/** The refused range an address falls in (`loopback`, `private`, ...), or null for a public address. */
export function blockedRange(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return 'invalid';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  // BlockList matches IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) against the IPv4 ranges.
  return LISTS.find((l) => l.list.check(address, type))?.label ?? null;
}

export class BlockedAddressError extends Error {
  override readonly name = 'BlockedAddressError';
  readonly code = 'EWEBHOOKBLOCKED';
}

type Resolve = (host: string) => Promise<string[]>;
const resolveAll: Resolve = (host) =>
  new Promise((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses.map((a) => a.address)))));

const refuse = (message: string): AppError => new AppError('validation', `url: ${message}`, { errors: [{ path: ['url'], message }] });

/**
 * The registration check: throws `validation` naming `url` unless the URL is an allowed host, or an
 * https URL without credentials whose every address is public. Returns the normalised URL.
 */
export async function checkWebhookUrl(raw: string, allowed: readonly AllowedHost[], resolve: Resolve = resolveAll): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse('http(s) URLs only');
  if (url.username || url.password) throw refuse('no credentials in the URL: authenticate the receiver by the signature');
  if (url.hash) throw refuse('no #fragment');
  if (isAllowedHost(url, allowed)) return url.href;
  const host = bareHost(url);
  const addresses = isIP(host) ? [host] : await resolve(host).catch(() => {
    throw refuse(`the host ${host} does not resolve`);
  });
  if (addresses.length === 0) throw refuse(`the host ${host} does not resolve`);
  for (const address of addresses) {
    const range = blockedRange(address);
    if (range) throw refuse(`${isIP(host) ? 'the address' : `${host} resolves to`} a ${range} address, refused (WEBHOOK_ALLOW_HOSTS lists hosts allowed anyway)`);
  }
  if (url.protocol !== 'https:') throw refuse('https required (plain http only for hosts in WEBHOOK_ALLOW_HOSTS)');
  return url.href;
}

/**
 * The delivery-time check of a URL's literal address (a name is checked by `guardedLookup`, which
 * Node skips for literals). Throws BlockedAddressError.
 */
export function checkLiteralAddress(url: URL, allowed: readonly AllowedHost[]): void {
  if (isAllowedHost(url, allowed)) return;
  if (url.protocol !== 'https:') throw new BlockedAddressError('https required');
  const host = bareHost(url);
  const range = isIP(host) ? blockedRange(host) : null;
  if (range) throw new BlockedAddressError(`refused ${range} address`);
}

/** A `lookup` for http.request that fails the connection when a name resolves to a refused address. */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 0);
    const bad = addresses.map((a) => blockedRange(a.address)).find((r) => r !== null);
    if (bad) return callback(new BlockedAddressError(`${hostname} resolves to a ${bad} address, refused`), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0];
    if (!first) return callback(new Error(`${hostname}: no address`), '', 0);
    callback(null, first.address, first.family);
  });
};
