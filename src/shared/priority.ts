/**
 * How urgently the current request's database work is served when every pooled connection is busy
 * (store/priority-pool.ts): an emergency's before the rest. Set per route (http/routes/emergency.routes.ts);
 * everything else, the workers included, is `normal` and served in arrival order.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export type Priority = 'urgent' | 'normal';

const current = new AsyncLocalStorage<Priority>();

/** Runs `fn` (and everything it starts) at priority `p`. */
export function withPriority<T>(p: Priority, fn: () => T): T {
  return current.run(p, fn);
}

/** The priority of the work running now: `normal` outside `withPriority`. */
export function currentPriority(): Priority {
  return current.getStore() ?? 'normal';
}
