/** Channel names: one per schema (tests share a database), always a valid identifier (63 bytes at most). */
import { describe, expect, it } from 'vitest';
import { changeChannel } from '../../src/store/change-channel';

describe('change channel names', () => {
  it('name the topic and the schema', () => {
    expect(changeChannel('need_status', 'public')).toBe('cordon_need_status_public');
    expect(changeChannel('outbox', 'live_x')).toBe('cordon_outbox_live_x');
  });

  it('stay within 63 bytes and apart for long schema names that share a beginning', () => {
    const a = changeChannel('need_status', `${'s'.repeat(60)}_a`);
    const b = changeChannel('need_status', `${'s'.repeat(60)}_b`);
    expect(Buffer.byteLength(a)).toBeLessThanOrEqual(63);
    expect(Buffer.byteLength(b)).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[a-z0-9_]+$/);
  });
});
