/**
 * A pg pool whose waiters are served by priority (shared/priority.ts): when every connection is
 * checked out, an urgent request's turn comes first, then a statement shared by many waiting
 * requests (a coalesced look-up, a group commit), then the normal requests, each class in arrival order.
 *
 * Why (issue #21, district day on a 2-core machine): under load the pool is where requests queue.
 * During the food round's planning an emergency raise waited 11.8 s (p50) of its 20 s for pooled
 * connections behind a thousand pass steps and the chiefs' needs, and pg's pool serves in arrival order.
 * The database is not faster for it: the queue is only ordered.
 *
 * At most `max` connections are out at once: this keeps its own waiters, so the pg pool under it
 * never queues (its `max` is the same).
 */
import type pg from 'pg';
import { currentPriority, type Priority } from '../shared/priority';

interface Waiter {
  resolve(client: pg.PoolClient): void;
  reject(err: unknown): void;
}

export interface PriorityPool {
  connect(): Promise<pg.PoolClient>;
  /** Connections checked out, and callers waiting for one. */
  stats(): { inUse: number; waiting: number };
}

export function priorityPool(pool: pg.Pool, max: number): PriorityPool {
  const waiting: Record<Priority, Waiter[]> = { urgent: [], shared: [], normal: [] };
  let inUse = 0;

  const checkOut = (waiter: Waiter): void => {
    inUse++;
    pool.connect().then(
      (client) => {
        // pg's pool gives each checkout its own release; wrapped so a connection handed back (or
        // destroyed, release(err)) lets the next waiter in. A second call still reaches pg's, which refuses it.
        const release = client.release.bind(client);
        let released = false;
        client.release = (err?: Error | boolean) => {
          if (!released) {
            released = true;
            inUse--;
            queueMicrotask(next);
          }
          return release(err);
        };
        waiter.resolve(client);
      },
      (err: unknown) => {
        inUse--;
        queueMicrotask(next);
        waiter.reject(err);
      },
    );
  };

  function next(): void {
    while (inUse < max) {
      const waiter = waiting.urgent.shift() ?? waiting.shared.shift() ?? waiting.normal.shift();
      if (!waiter) return;
      checkOut(waiter);
    }
  }

  return {
    connect: () =>
      new Promise<pg.PoolClient>((resolve, reject) => {
        waiting[currentPriority()].push({ resolve, reject });
        next();
      }),
    stats: () => ({ inUse, waiting: waiting.urgent.length + waiting.shared.length + waiting.normal.length }),
  };
}
