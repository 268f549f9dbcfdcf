/**
 * The relays' loop: a notification ends an idle wait at once, a burst of them costs one extra
 * batch, the pause after a part batch (which lets batches fill under load) is kept, and after
 * activity the idle waits grow from 100 ms to the idle poll. Fake timers: no real waiting.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startBatchLoop, type BatchLoop, type BatchOutcome } from '../../src/services/shared/relay-loop';
import { createLogger } from '../../src/shared/logger';

const log = { logger: createLogger({ level: 'silent' }), failure: 'batch failed' };

/** Batches not finished yet (finished with 0 at the end of each test, so the loop can stop). */
let pending: ((outcome: BatchOutcome) => void)[] = [];

/** Rows in a full batch. */
const BATCH = 10;

/** A batch function whose batches the test finishes, each with how many rows it "took" (BATCH: a full one). */
function batches() {
  let calls = 0;
  return {
    run: () => new Promise<BatchOutcome>((resolve) => (calls++, pending.push(resolve))),
    finish: async (taken: number) => {
      pending.shift()!({ taken, full: taken >= BATCH });
      await vi.advanceTimersByTimeAsync(0);
    },
    get calls() {
      return calls;
    },
  };
}

let loop: BatchLoop | undefined;
beforeEach(() => {
  pending = [];
  vi.useFakeTimers();
});
afterEach(async () => {
  const stopping = loop?.stop();
  loop = undefined;
  for (const finish of pending.splice(0)) finish({ taken: 0, full: false });
  await vi.runOnlyPendingTimersAsync();
  await stopping;
  vi.useRealTimers();
});

describe('relay batch loop', () => {
  it('a notification ends the idle wait at once', async () => {
    const b = batches();
    loop = startBatchLoop(b.run, { busyPauseMs: 50, idlePollMs: 60_000 }, log);
    await b.finish(0);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(b.calls).toBe(1);
    loop.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(b.calls).toBe(2);
  });

  it('a burst of notifications during a batch causes one more batch, not one each', async () => {
    const b = batches();
    loop = startBatchLoop(b.run, { busyPauseMs: 50, idlePollMs: 60_000 }, log);
    for (let i = 0; i < 100; i++) loop.wake();
    await b.finish(0);
    expect(b.calls).toBe(2);
    await b.finish(0);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(b.calls).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(b.calls).toBe(3);
  });

  it('a notification does not cut short the pause after a part batch; a full batch is followed at once', async () => {
    const b = batches();
    loop = startBatchLoop(b.run, { busyPauseMs: 50, idlePollMs: 60_000 }, log);
    await b.finish(3);
    loop.wake();
    await vi.advanceTimersByTimeAsync(49);
    expect(b.calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(b.calls).toBe(2);
    await b.finish(BATCH);
    expect(b.calls).toBe(3);
  });

  it('after a batch that took something, idle waits grow from 100 ms to the idle poll', async () => {
    const b = batches();
    loop = startBatchLoop(b.run, { busyPauseMs: 0, idlePollMs: 1000 }, log);
    await b.finish(1);
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      await b.finish(0);
      const before = b.calls;
      let waited = 0;
      while (b.calls === before) {
        await vi.advanceTimersByTimeAsync(10);
        waited += 10;
      }
      waits.push(waited);
    }
    expect(waits).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('a batch that throws is logged and tried again at the next poll', async () => {
    let calls = 0;
    loop = startBatchLoop(async () => {
      calls++;
      throw new Error('database away');
    }, { busyPauseMs: 50, idlePollMs: 1000 }, log);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(2);
  });
});
