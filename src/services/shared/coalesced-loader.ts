/**
 * Coalesces concurrent look-ups by key into one query (the DataLoader pattern): keys requested
 * during the same event-loop turn, or while the previous query runs, are fetched together.
 * No caching: every request sees the database as of its own query.
 *
 * A query done for many requests waits for a pooled connection ahead of single requests' work
 * (`shared`, or `urgent` when an emergency's request is among them: shared/priority.ts).
 */
import { currentPriority, forWaiters, type Priority } from '../../shared/priority';
import { timed } from '../../shared/timings';

export interface CoalescedLoader<K, V> {
  load(key: K): Promise<V | undefined>;
}

export interface CoalescedLoaderOptions {
  /** Most keys in one query. Default 500. */
  maxKeys?: number;
  /** Queries in flight at once (each holds a pool connection). Default 4. */
  maxInFlight?: number;
  /** The phase each caller's wait is timed as (shared/timings.ts), for the slow-request log. */
  phase?: string;
}

export function createCoalescedLoader<K, V>(fetch: (keys: K[]) => Promise<Map<K, V>>, options: CoalescedLoaderOptions = {}): CoalescedLoader<K, V> {
  const maxKeys = options.maxKeys ?? 500;
  const maxInFlight = options.maxInFlight ?? 4;
  let queue: { key: K; priority: Priority; resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[] = [];
  let inFlight = 0;

  function pump(): void {
    while (inFlight < maxInFlight && queue.length > 0) {
      const waiting = queue.slice(0, maxKeys);
      queue = queue.slice(maxKeys);
      inFlight++;
      forWaiters(waiting, () => fetch([...new Set(waiting.map((b) => b.key))]))
        .then(
          (found) => waiting.forEach((b) => b.resolve(found.get(b.key))),
          (err: unknown) => waiting.forEach((b) => b.reject(err)),
        )
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  }

  const load = (key: K) =>
    new Promise<V | undefined>((resolve, reject) => {
      queue.push({ key, priority: currentPriority(), resolve, reject });
      if (queue.length === 1) setImmediate(pump);
    });

  return { load: options.phase ? (key) => timed(options.phase!, () => load(key)) : load };
}
