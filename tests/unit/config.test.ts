import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/config';

describe('configuration', () => {
  it('applies defaults and freezes the result', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, DATA_DIR: './data', REDIS_URL: 'redis://127.0.0.1:6379', DEMO_SEED: true });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names every bad variable and does not echo secrets', () => {
    try {
      loadConfig({ PORT: 'eighty', REDIS_URL: 'not a url', DEMO_SEED: 'maybe', PASS_SIGNING_SECRET: 'short-secret' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const message = (err as Error).message;
      for (const name of ['PORT', 'REDIS_URL', 'DEMO_SEED', 'PASS_SIGNING_SECRET']) expect(message).toContain(name);
      expect(message).not.toContain('short-secret');
    }
  });

  it('treats an empty variable as unset, parses booleans and numbers', () => {
    const c = loadConfig({ DATABASE_URL: '', DEMO_SEED: 'off', PORT: '0', CSV_MAX_ROWS: '10' });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.DEMO_SEED).toBe(false);
    expect(c.PORT).toBe(0);
    expect(c.CSV_MAX_ROWS).toBe(10);
  });

  it('requires the pass signing secret in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/PASS_SIGNING_SECRET/);
    expect(loadConfig({ NODE_ENV: 'production', PASS_SIGNING_SECRET: 'x'.repeat(32) }).NODE_ENV).toBe('production');
  });

  it('keeps idempotency keys 48 hours unless told, and refuses a retention that is not positive', () => {
    expect(loadConfig({}).IDEMPOTENCY_TTL_HOURS).toBe(48);
    expect(loadConfig({ IDEMPOTENCY_TTL_HOURS: '0.5' }).IDEMPOTENCY_TTL_HOURS).toBe(0.5);
    expect(() => loadConfig({ IDEMPOTENCY_TTL_HOURS: '0' })).toThrow(/IDEMPOTENCY_TTL_HOURS/);
  });

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() => loadConfig({ DATABASE_SCHEMA: 'public; drop table needs' })).toThrow(/DATABASE_SCHEMA/);
  });
});
