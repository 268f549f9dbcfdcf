/**
 * The notices' pure rules: quiet hours (spanning midnight, in the person's zone, and when they
 * end), the ETA window (a few minutes' change keeps the window, so its dedup key holds), the
 * masked phone of the logs, which live events are captured, and the SMS gateway body's escaping.
 */
import { describe, expect, it } from 'vitest';
import { etaWindow, inQuietHours, maskPhone, quietHoursEnd } from '../../src/domain/notices';
import { mayNotify } from '../../src/services/notices/notice-capture';
import { smsBody } from '../../src/services/notices/notice-channels';

const night = { fromMin: 22 * 60, untilMin: 7 * 60 };

describe('quiet hours', () => {
  it('span midnight in the person’s time zone', () => {
    // 23:30 in Shanghai is 15:30 UTC.
    expect(inQuietHours(new Date('2026-12-03T15:30:00Z'), night, 'Asia/Shanghai')).toBe(true);
    expect(inQuietHours(new Date('2026-12-03T15:30:00Z'), night, 'UTC')).toBe(false);
    // 06:59 Shanghai is still quiet, 07:00 no longer.
    expect(inQuietHours(new Date('2026-12-03T22:59:00Z'), night, 'Asia/Shanghai')).toBe(true);
    expect(inQuietHours(new Date('2026-12-03T23:00:00Z'), night, 'Asia/Shanghai')).toBe(false);
  });

  it('hold until their end, and none means never quiet', () => {
    const at = new Date('2026-12-03T15:30:00Z'); // 23:30 Shanghai
    expect(quietHoursEnd(at, night, 'Asia/Shanghai').toISOString()).toBe('2026-12-03T23:00:00.000Z'); // 07:00 Shanghai
    expect(inQuietHours(at, null, 'Asia/Shanghai')).toBe(false);
    const day = { fromMin: 9 * 60, untilMin: 17 * 60 };
    expect(inQuietHours(new Date('2026-12-03T12:00:00Z'), day, 'UTC')).toBe(true);
    expect(inQuietHours(new Date('2026-12-03T17:00:00Z'), day, 'UTC')).toBe(false);
  });
});

describe('ETA window', () => {
  it('is half an hour from the quarter before ETA - 10 min; a few minutes later keeps it', () => {
    const w = etaWindow(new Date('2026-12-03T06:31:00Z'));
    expect([w.from.toISOString(), w.until.toISOString()]).toEqual(['2026-12-03T06:15:00.000Z', '2026-12-03T06:45:00.000Z']);
    expect(etaWindow(new Date('2026-12-03T06:38:00Z')).from).toEqual(w.from);
    expect(etaWindow(new Date('2026-12-03T06:46:00Z')).from).not.toEqual(w.from);
  });
});

describe('logs and capture', () => {
  it('shows only the last three digits of a phone', () => {
    expect(maskPhone('+86 138-0013-8123')).toBe('***123');
  });

  it('captures the events that may notify someone only', () => {
    const at = '2026-12-03T06:00:00Z';
    const pos = (etaMin: number) => ({ type: 'vehicle.position' as const, batchId: 'b', lat: 0, lon: 0, at, etas: [{ stopId: '1', eta: new Date(Date.parse(at) + etaMin * 60_000).toISOString() }] });
    expect(mayNotify(pos(9))).toBe(true);
    expect(mayNotify(pos(25))).toBe(false);
    expect(mayNotify({ type: 'need.status_changed', needId: 'n', householdId: 'h', status: 'accepted', previousStatus: 'submitted' })).toBe(true);
    expect(mayNotify({ type: 'need.status_changed', needId: 'n', householdId: 'h', status: 'planned', previousStatus: 'accepted' })).toBe(false);
    expect(mayNotify({ type: 'round.progress', roundId: 'r', percent: 5, stage: 'routing' })).toBe(false);
  });
});

describe('SMS gateway body', () => {
  it('escapes values for JSON and for forms', () => {
    const values = { to: '+8613800138000', text: 'say "hi"\n& bye' };
    expect(JSON.parse(smsBody('{"to":"{{to}}","text":"{{text}}","x":"{{unknown}}"}', 'json', values))).toEqual({ to: '+8613800138000', text: 'say "hi"\n& bye', x: '' });
    expect(new URLSearchParams(smsBody('to={{to}}&msg={{text}}', 'form', values)).get('msg')).toBe('say "hi"\n& bye');
  });
});
