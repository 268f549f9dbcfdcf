/**
 * The web app's order of live events (src/web/src/live-order.ts). Each scope's events are numbered in
 * commit order but sent by whichever process committed them, so a later seq can reach the socket
 * first. The page applied whatever came and dropped the earlier seq arriving after it: a unit chief
 * never saw that handover. Now the later event waits for the earlier ones, and a gap still open after
 * the wait is reported (again each wait) for a resume.
 */
import { describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/contracts/events';
import { createLiveOrder } from '../../src/web/src/live-order';

const envelope = (scope: string, seq: number): Envelope => ({
  id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
  scope: scope as Envelope['scope'],
  seq,
  at: '2026-12-07T10:00:00.000Z',
  event: { type: 'stop.delivered', roundId: 'r', batchId: 'b', stopId: `s${seq}` } as unknown as Envelope['event'],
});

/** An order on a fake clock: `tick(ms)` runs what falls due. */
function setUp(waitMs = 500) {
  const applied: string[] = [];
  const gaps: { scope: string; last: number }[] = [];
  let now = 0;
  let timers: { at: number; fn: () => void; live: boolean }[] = [];
  const order = createLiveOrder({
    waitMs,
    apply: (e) => applied.push(`${e.scope}#${e.seq}`),
    gap: (scope, last) => gaps.push({ scope, last }),
    later: (fn, ms) => {
      const t = { at: now + ms, fn, live: true };
      timers.push(t);
      return () => void (t.live = false);
    },
  });
  const tick = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = timers.filter((t) => t.live && t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      now = due.at;
      due.live = false;
      due.fn();
    }
    now = until;
    timers = timers.filter((t) => t.live);
  };
  const pending = () => timers.filter((t) => t.live).length;
  return { order, applied, gaps, tick, pending };
}

describe('live event order', () => {
  it('applies a later seq that came first only after the earlier one, without a resume', () => {
    const { order, applied, gaps, tick, pending } = setUp();
    order.start('corridor:c1', 4);
    order.receive(envelope('corridor:c1', 6));
    expect(applied).toEqual([]);
    tick(100);
    order.receive(envelope('corridor:c1', 5));
    expect(applied).toEqual(['corridor:c1#5', 'corridor:c1#6']);
    tick(10_000);
    expect(gaps).toEqual([]);
    expect(pending()).toBe(0);
    expect(order.last('corridor:c1')).toBe(6);
    expect(order.counts).toEqual({ held: 1, gaps: 0 });
  });

  it('reports a gap still open after the wait, and again each wait until it is filled', () => {
    const { order, applied, gaps, tick } = setUp(500);
    order.start('corridor:c1', 4);
    order.receive(envelope('corridor:c1', 7));
    tick(499);
    expect(gaps).toEqual([]);
    tick(1);
    expect(gaps).toEqual([{ scope: 'corridor:c1', last: 4 }]);
    tick(500);
    expect(gaps).toHaveLength(2);
    // Part of the hole filled (5), part still open: reported on, from 5.
    order.receive(envelope('corridor:c1', 5));
    tick(500);
    expect(gaps.at(-1)).toEqual({ scope: 'corridor:c1', last: 5 });
    // The resume's answer: 6 and 7, the held 7 among them (a duplicate, applied once).
    for (const seq of [6, 7]) order.receive(envelope('corridor:c1', seq));
    expect(applied).toEqual(['corridor:c1#5', 'corridor:c1#6', 'corridor:c1#7']);
    tick(5_000);
    expect(gaps).toHaveLength(3);
    // Counted once per hole (at 4, then at 5), however often reported.
    expect(order.counts).toEqual({ held: 1, gaps: 2 });
  });

  it('drops what it has applied or holds, and what came before the start', () => {
    const { order, applied } = setUp();
    order.start('corridor:c1', 4);
    order.receive(envelope('corridor:c1', 3));
    order.receive(envelope('corridor:c1', 4));
    order.receive(envelope('corridor:c1', 6));
    order.receive(envelope('corridor:c1', 6));
    order.receive(envelope('corridor:c1', 5));
    order.receive(envelope('corridor:c1', 5));
    expect(applied).toEqual(['corridor:c1#5', 'corridor:c1#6']);
  });

  it('keeps each scope to itself', () => {
    const { order, applied, gaps, tick } = setUp();
    order.start('corridor:c1', 0);
    order.start('dispatch', 10);
    order.receive(envelope('corridor:c1', 2));
    order.receive(envelope('dispatch', 11));
    expect(applied).toEqual(['dispatch#11']);
    tick(500);
    expect(gaps).toEqual([{ scope: 'corridor:c1', last: 0 }]);
  });

  it('after a snapshot goes on past it, applying what it held beyond and nothing before', () => {
    const { order, applied, tick, pending, gaps } = setUp();
    order.start('corridor:c1', 1);
    order.receive(envelope('corridor:c1', 40));
    order.receive(envelope('corridor:c1', 51));
    order.skipTo('corridor:c1', 50);
    expect(applied).toEqual(['corridor:c1#51']);
    expect(order.last('corridor:c1')).toBe(51);
    tick(5_000);
    expect(pending()).toBe(0);
    expect(gaps).toEqual([]);
  });

  it('starts a scope at its first event when that comes before the subscription is answered, and keeps it', () => {
    const { order, applied } = setUp();
    order.receive(envelope('corridor:c1', 9));
    order.start('corridor:c1', 8);
    order.receive(envelope('corridor:c1', 10));
    expect(applied).toEqual(['corridor:c1#9', 'corridor:c1#10']);
  });

  it('clear forgets the scopes and reports no gap afterwards', () => {
    const { order, gaps, tick, pending } = setUp();
    order.start('corridor:c1', 0);
    order.receive(envelope('corridor:c1', 3));
    order.clear();
    tick(5_000);
    expect(gaps).toEqual([]);
    expect(pending()).toBe(0);
    expect(order.last('corridor:c1')).toBeUndefined();
  });
});
