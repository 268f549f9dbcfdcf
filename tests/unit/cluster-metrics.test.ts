/**
 * The primary collects every API process's metrics over the cluster's IPC channel. A process killed
 * an instant ago still looks connected until the primary reads its exit, and a message to it fails
 * with EPIPE: Node reports that to `send`'s callback when there is one, and otherwise emits it as the
 * Worker's 'error' event, which, unheard, ended the primary (district day: a scrape just after one
 * API process was killed took the whole API down). The fake worker here fails as Node's does.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { collectFrom } from '../../src/cluster-metrics';

/** A worker whose process is gone: `send` fails as ChildProcess.send does (callback, else 'error'). */
class DeadWorker extends EventEmitter {
  send(_message: unknown, ...rest: unknown[]): boolean {
    const callback = rest.find((r): r is (err: Error) => void => typeof r === 'function');
    const err = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    if (callback) process.nextTick(callback, err);
    else process.nextTick(() => this.emit('error', err));
    return false;
  }
}

/** A live worker that answers the collection with its registry. */
class LiveWorker extends EventEmitter {
  send(message: { id: number }, ...rest: unknown[]): boolean {
    const callback = rest.find((r): r is (err: Error | null) => void => typeof r === 'function');
    if (callback) process.nextTick(callback, null);
    process.nextTick(() => this.emit('message', { cordon: 'metrics-json', id: message.id, metrics: [{ name: 'm' }] }));
    return true;
  }
}

describe('collecting a process\'s metrics', () => {
  it('leaves out a process that died, at once, without an error event', async () => {
    // The collection's timeout never fires here: only the failed send can settle it.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const dead = new DeadWorker();
      const errors: unknown[] = [];
      // An 'error' with no listener throws; a listener here records it instead, so the test can say so.
      dead.on('error', (err) => errors.push(err));
      let settled = false;
      const collected = collectFrom(dead as never, 1).finally(() => (settled = true));
      // Past the send's failure (a nextTick) and what it resolves.
      await new Promise((resolve) => setImmediate(resolve));
      expect(errors).toEqual([]);
      expect(settled).toBe(true);
      expect(await collected).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it('still takes a live process\'s registry', async () => {
    expect(await collectFrom(new LiveWorker() as never, 7)).toEqual([{ name: 'm' }]);
  });
});
