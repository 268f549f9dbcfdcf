/**
 * Live events applied in each scope's seq order. The server numbers a scope's events in commit order,
 * but each is sent by the process that committed it, after its commit: two commits a moment apart
 * can reach a socket the other way round (since issue #21 numbers a change's events at its COMMIT,
 * each API process sending its own, the district day saw thousands). The page used to apply whatever
 * came and drop an earlier seq that arrived after a later one: that event never showed.
 *
 * Now an event ahead of its scope's next seq is held while the earlier ones come (most arrive within
 * milliseconds). A gap still open after `waitMs` is reported, and again every `waitMs` while it
 * stays open, for the caller to ask `resume`; what a resume returns comes back through `receive`.
 * Pure: no socket, no DOM; the bench's clients use it too, so they follow the page's rules.
 */
import type { Envelope } from '../../contracts/events';

/** How long a later event waits for the earlier ones before the gap is reported, ms. */
export const GAP_WAIT_MS = 500;

export interface LiveOrderDeps {
  /** An event, in its scope's order: every earlier seq since the scope's start was applied first. */
  apply(envelope: Envelope): void;
  /** `scope` has waited `waitMs` for the event after `last`: ask `resume` from `last` (unless one is asked). */
  gap(scope: string, last: number): void;
  /** Default GAP_WAIT_MS. */
  waitMs?: number;
  /** Runs `fn` after `ms` and returns how to cancel it (setTimeout; tests pass their own). */
  later?: (fn: () => void, ms: number) => () => void;
}

export interface LiveOrder {
  /** Where a scope starts (a subscription's latest seq), unless it has started: events up to it are not applied. */
  start(scope: string, seq: number): void;
  /** An event pushed or replayed: applied now if it is the next, held if earlier ones are missing, dropped if seen. */
  receive(envelope: Envelope): void;
  /** The scope was missed beyond replay and is reloaded whole: go on after `seq`. */
  skipTo(scope: string, seq: number): void;
  /** The last seq applied in `scope`; undefined before it starts. */
  last(scope: string): number | undefined;
  /** Forgets every scope (a new connection starts them again). */
  clear(): void;
  /** Since the start: events that came ahead of an earlier one (`held`), gaps reported (`gaps`: each hole once, however often asked). */
  readonly counts: { held: number; gaps: number };
}

/** `reported`: the `last` at which the open hole was reported (it is counted once). */
interface ScopeState { last: number; held: Map<number, Envelope>; cancel?: () => void; reported?: number }

const timeout = (fn: () => void, ms: number) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};

export function createLiveOrder(deps: LiveOrderDeps): LiveOrder {
  const waitMs = deps.waitMs ?? GAP_WAIT_MS;
  const later = deps.later ?? timeout;
  const scopes = new Map<string, ScopeState>();
  const counts = { held: 0, gaps: 0 };

  const drain = (scope: string, st: ScopeState) => {
    for (let next = st.held.get(st.last + 1); next; next = st.held.get(st.last + 1)) {
      st.held.delete(next.seq);
      st.last = next.seq;
      deps.apply(next);
    }
    for (const seq of st.held.keys()) if (seq <= st.last) st.held.delete(seq);
    if (st.held.size === 0) {
      st.cancel?.();
      st.cancel = undefined;
    } else if (!st.cancel) {
      watch(scope, st);
    }
  };

  // While something is held: every waitMs, report the gap (the caller's resume may take longer than one wait).
  const watch = (scope: string, st: ScopeState) => {
    st.cancel = later(() => {
      st.cancel = undefined;
      if (scopes.get(scope) !== st || st.held.size === 0) return;
      if (st.reported !== st.last) counts.gaps++;
      st.reported = st.last;
      watch(scope, st);
      deps.gap(scope, st.last);
    }, waitMs);
  };

  return {
    counts,
    start(scope, seq) {
      if (!scopes.has(scope)) scopes.set(scope, { last: seq, held: new Map() });
    },
    receive(e) {
      let st = scopes.get(e.scope);
      // An event before the subscription's answer: the scope starts at it.
      if (!st) scopes.set(e.scope, (st = { last: e.seq - 1, held: new Map() }));
      if (e.seq <= st.last || st.held.has(e.seq)) return;
      if (e.seq > st.last + 1) {
        counts.held++;
        st.held.set(e.seq, e);
      } else {
        st.last = e.seq;
        deps.apply(e);
      }
      drain(e.scope, st);
    },
    skipTo(scope, seq) {
      const st = scopes.get(scope);
      if (!st) return void scopes.set(scope, { last: seq, held: new Map() });
      st.last = Math.max(st.last, seq);
      drain(scope, st);
    },
    last: (scope) => scopes.get(scope)?.last,
    clear() {
      for (const st of scopes.values()) st.cancel?.();
      scopes.clear();
    },
  };
}
