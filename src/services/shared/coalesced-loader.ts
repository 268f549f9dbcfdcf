/**
 * Coalesces concurrent look-ups by key into one query (the DataLoader pattern): keys requested
 * during the same event-loop turn, or while the previous query runs, are fetched together.
 * No caching: every request sees the database as of its own query.
 */
export interface CoalescedLoader<K, V> {
  load(key: K): Promise<V | undefined>;
}

export function createCoalescedLoader<K, V>(fetch: (keys: K[]) => Promise<Map<K, V>>, options: { maxKeys?: number; maxInFlight?: number } = {}): CoalescedLoader<K, V> {
  const maxKeys = options.maxKeys ?? 500;
  const maxInFlight = options.maxInFlight ?? 4;
  let queue: { key: K; resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[] = [];
  let inFlight = 0;

  function pump(): void {
    while (inFlight < maxInFlight && queue.length > 0) {
      const waiting = queue.slice(0, maxKeys);
      queue = queue.slice(maxKeys);
      inFlight++;
      fetch([...new Set(waiting.map((b) => b.key))])
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

  return {
    load(key) {
      return new Promise((resolve, reject) => {
        queue.push({ key, resolve, reject });
        if (queue.length === 1) setImmediate(pump);
      });
    },
  };
}
