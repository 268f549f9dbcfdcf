/**
 * How urgently the current request's database work is served when every pooled connection is busy
 * (store/priority-pool.ts), most urgent first:
 * - `urgent`: an emergency's (set per route, http/routes/emergency.routes.ts);
 * - `shared`: a statement many requests wait on at once, a coalesced look-up or a group commit
 *   (services/shared/coalesced-loader.ts, services/needs/need-group-commit.ts): every signed-in
 *   request's session look-up, a unit chief's need. In the district day's pass burst a chief's need
 *   waited 1.4-1.9 s for a connection behind a thousand pass steps, each holding its own (issue #21);
 * - `normal`: everything else, the workers included, served in arrival order.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** Served in this order. */
export const PRIORITIES = ['urgent', 'shared', 'normal'] as const;
export type Priority = (typeof PRIORITIES)[number];

const current = new AsyncLocalStorage<Priority>();

/** Runs `fn` (and everything it starts) at priority `p`. */
export function withPriority<T>(p: Priority, fn: () => T): T {
  return current.run(p, fn);
}

/** The priority of the work running now: `normal` outside `withPriority`. */
export function currentPriority(): Priority {
  return current.getStore() ?? 'normal';
}

/** The most urgent of `priorities` (`normal` for none). */
function mostUrgent(priorities: Iterable<Priority>): Priority {
  let best = PRIORITIES.length - 1;
  for (const p of priorities) best = Math.min(best, PRIORITIES.indexOf(p));
  return PRIORITIES[best]!;
}

/**
 * Runs `fn`, a statement done for several waiting callers at once (each with the priority it had
 * when it asked), at `shared` priority, or `urgent` when one of them is.
 */
export function forWaiters<T>(waiters: readonly { priority: Priority }[], fn: () => T): T {
  return withPriority(mostUrgent([...waiters.map((w) => w.priority), 'shared']), fn);
}
