/**
 * The chief's queue of door ticks (src/web/src/ui/gate-outbox.ts, sent by queue-sender.ts, as the
 * driver's trip records are), with the API and the vault faked:
 * a send stopped by a network fault or a 5xx was tried again only at the next tick, `online` event or
 * page load, so ticks made just before the phone came back could sit on it unsent (desk.test in CI).
 * Now the queue is sent again RETRY_MS later, until it empties; a refusal for good is not retried.
 */
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

const fake = vi.hoisted(() => {
  class ApiError extends Error {
    constructor(readonly status: number, readonly title: string, readonly detail?: string) {
      super(title);
    }
  }
  const store = new Map<string, unknown>();
  return { ApiError, store, answers: [] as (Error | 'ok')[], sent: [] as string[] };
});

vi.mock('../../src/web/src/api', () => ({
  ApiError: fake.ApiError,
  api: async (path: string) => {
    fake.sent.push(path.split('/').at(-2)!);
    const answer = fake.answers.shift() ?? 'ok';
    if (answer !== 'ok') throw answer;
    return { outcome: 'stored' };
  },
}));
vi.mock('../../src/web/src/vault', () => ({
  vault: { get: (k: string) => fake.store.get(k), set: (k: string, v: unknown) => fake.store.set(k, v), remove: (k: string) => fake.store.delete(k) },
}));
vi.stubGlobal('window', new EventTarget());
vi.useFakeTimers();
const outbox = await import('../../src/web/src/ui/gate-outbox');
const { RETRY_MS } = await import('../../src/web/src/ui/queue-sender');

const tick = (householdId: string) =>
  ({ corridorId: 'c1', stopId: 's1', householdId, outcome: 'handed_over', checkedAt: '2026-12-05T08:00:00Z' }) as const;

describe('the gate outbox', () => {
  beforeEach(() => {
    fake.store.clear();
    fake.answers.length = 0;
    fake.sent.length = 0;
  });
  afterAll(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('sends again after a network fault or a 5xx, until the queue is empty', async () => {
    fake.answers.push(new TypeError('Failed to fetch'), new fake.ApiError(503, 'Service Unavailable'));
    await outbox.checkOff(tick('h1'));
    await outbox.checkOff(tick('h2'));
    expect(outbox.queuedCheckOffs().map((q) => q.householdId)).toEqual(['h1', 'h2']);
    await vi.advanceTimersByTimeAsync(RETRY_MS);
    expect(outbox.queuedCheckOffs()).toEqual([]);
    // h1 failed twice (offline, then a 503), then h1 and h2 went, oldest first
    expect(fake.sent).toEqual(['h1', 'h1', 'h1', 'h2']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('drops a tick refused for good with its message, and does not send it again', async () => {
    fake.answers.push(new fake.ApiError(409, 'Conflict', 'the door went the other way'));
    await outbox.checkOff(tick('h3'));
    expect(outbox.queuedCheckOffs()).toEqual([]);
    expect(outbox.refusedCheckOffs().map((r) => r.message)).toEqual(['the door went the other way']);
    await vi.advanceTimersByTimeAsync(RETRY_MS);
    expect(fake.sent).toEqual(['h3']);
  });
});
