/** Access credentials: password hashes and session tokens (src/services/auth-secrets.ts). No I/O. */
import { describe, expect, it } from 'vitest';
import { hashPassword, hashSessionToken, newSessionToken, verifyPassword } from '../../src/services/access/auth-secrets';

const cheap = { N: 1024, r: 8, p: 1 };

describe('password hashes', () => {
  it('verify the right password and refuse a wrong one', async () => {
    const stored = await hashPassword('correct horse battery', cheap);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('keep their cost in the stored string, salted (same password, different hashes)', async () => {
    const a = await hashPassword('same password', cheap);
    const b = await hashPassword('same password', { N: 2048, r: 8, p: 1 });
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(b.startsWith('scrypt$2048$8$1$')).toBe(true);
    expect(a.split('$')[4]).not.toBe(b.split('$')[4]);
    expect(await verifyPassword('same password', b)).toBe(true);
  });

  it('the default cost is at least OWASP’s scrypt minimum (N=2^15, r=8, p=3)', async () => {
    const [, n, r, p] = (await hashPassword('x')).split('$').map(Number);
    expect((n as number) * (r as number) * (p as number)).toBeGreaterThanOrEqual(2 ** 15 * 8 * 3);
  });

  it('normalise Unicode, so the same password typed on another keyboard still matches', async () => {
    const stored = await hashPassword('ｐａｓｓ　word１', cheap); // full-width forms
    expect(await verifyPassword('pass word1', stored)).toBe(true);
  });

  it('refuse stored values that are not our hashes, without throwing', async () => {
    for (const stored of ['', 'plain-text-password', 'bcrypt$2b$10$abc', 'scrypt$x$8$1$salt$key', 'scrypt$1024$8$1$$']) {
      expect(await verifyPassword('plain-text-password', stored)).toBe(false);
    }
  });
});

describe('session tokens', () => {
  it('are 256 random bits, url-safe, never repeated', () => {
    const tokens = new Set(Array.from({ length: 1000 }, newSessionToken));
    expect(tokens.size).toBe(1000);
    for (const t of [...tokens].slice(0, 10)) expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('are stored as their SHA-256 (hex), which differs from the token and is stable', () => {
    const t = newSessionToken();
    expect(hashSessionToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSessionToken(t)).toBe(hashSessionToken(t));
    expect(hashSessionToken(t)).not.toBe(hashSessionToken(newSessionToken()));
    expect(hashSessionToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
