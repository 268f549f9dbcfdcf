/**
 * Password hashes and session tokens, with node:crypto only (no native modules to build).
 *
 * Passwords: scrypt with OWASP's minimum cost (N=2^15, r=8, p=3: 32 MiB, ~0.15 s here), the
 * parameters kept in the stored string so a later, stronger default still verifies old hashes.
 * Tokens: 32 random bytes handed to the client once; only their SHA-256 is stored, so a copy of
 * the sessions table lets nobody in.
 */
import { createHash, randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 3 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;

function scryptAsync(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  // maxmem must cover 128 * N * r bytes, or node refuses the larger costs.
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `scrypt$N$r$p$salt$key` (salt and key base64url). */
export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptAsync(password, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** False for a wrong password and for a stored value that is not a hash we wrote. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (![cost.N, cost.r, cost.p].every(Number.isSafeInteger)) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), cost);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * A hash of a random password, checked when the username is unknown so that a miss costs the
 * same time as a wrong password: response time must not tell which usernames exist.
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
}

/** A new opaque bearer token (43 url-safe characters, 256 bits). */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the sessions table stores and looks up: hex SHA-256 of the token. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Hashing cost of a generated one-time password (bulk accounts). Such a password is 20 random
 * characters (~99 bits): no offline guessing gets near it at any hash cost, so the cost that
 * protects chosen passwords (DEFAULT_SCRYPT_COST, ~0.15 s each) is not needed, and 5,000 unit
 * chiefs' accounts are hashed in seconds, not ten minutes. The owner's own password, set at first
 * login, is hashed at the default cost.
 */
export const ONE_TIME_SCRYPT_COST: ScryptCost = { N: 2 ** 12, r: 8, p: 1 };

/** Letters and digits that are not mistaken for each other when read off paper (no 0/o, 1/l/i). */
const READABLE = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A random code of `groups` groups of `size` readable characters, joined by '-'. */
export function readableCode(groups: number, size: number, alphabet = READABLE): string {
  const parts: string[] = [];
  for (let g = 0; g < groups; g++) {
    let part = '';
    for (let i = 0; i < size; i++) part += alphabet[randomInt(alphabet.length)];
    parts.push(part);
  }
  return parts.join('-');
}

/** A one-time password for a printed account sheet: 4 groups of 5 (e.g. `k7mqa-x3tpe-...`), ~99 bits. */
export function newOneTimePassword(): string {
  return readableCode(4, 5);
}
