/**
 * A live event whose fan-out failed while Redis was away (district-day bench, Redis restarted
 * empty) must still reach its scope: a client notices a missing event only when a later one of the
 * same scope arrives, so the scope's last event would otherwise stay unseen.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Envelope } from '../../src/contracts/events';
import { createLivePublisher } from '../../src/services/live-status/live.service';
import type { LiveStream } from '../../src/services/live-status/live-stream';
import { systemClock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import type { Db } from '../../src/store/db';

const envelope = (seq: number): Envelope => ({
  id: '00000000-0000-4000-8000-00000000000' + seq, scope: 'corridor:c1', seq, at: '2026-12-03T08:00:00.000Z',
  event: { type: 'need.status_changed', needId: 'n1', householdId: 'h1', status: 'delivered', previousStatus: 'out_for_delivery', kind: 'food_package', at: '2026-12-03T08:00:00.000Z' },
} as Envelope);

/** A stream that refuses the first `failures` broadcasts (Redis away), then records what it sends. */
function flakyStream(failures: number): LiveStream & { sent: number[] } {
  let left = failures;
  const sent: number[] = [];
  return {
    sent,
    async broadcast(_rooms, _name, payload) {
      if (left-- > 0) throw new Error('Connection is closed.');
      sent.push((payload as Envelope).seq);
    },
    async disconnect() {},
  };
}

describe('live fan-out after a Redis outage', () => {
  it('sends the envelopes of a failed fan-out again once Redis answers', async () => {
    const stream = flakyStream(3);
    const publisher = createLivePublisher({ db: {} as Db, stream, clock: systemClock, logger: createLogger({ level: 'silent' }), fanOutRetryMs: 5 });
    await publisher.fanOut([envelope(7)]); // fails: Redis away
    await publisher.fanOut([envelope(8)]); // fails too
    await vi.waitFor(() => expect(stream.sent).toEqual(expect.arrayContaining([7, 8])), { timeout: 10_000, interval: 10 });
  });

  it('sends a fan-out that went through once', async () => {
    const stream = flakyStream(0);
    const publisher = createLivePublisher({ db: {} as Db, stream, clock: systemClock, logger: createLogger({ level: 'silent' }), fanOutRetryMs: 5 });
    await publisher.fanOut([envelope(1), envelope(2)]);
    expect(stream.sent).toEqual([1, 2]);
  });
});
