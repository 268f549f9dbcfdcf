/**
 * Group commit for intake. Concurrent requests' needs are inserted together: while one insert
 * statement runs, newly arriving needs queue up, and the next statement takes them all. At low load
 * a need goes out alone at once (no timer, no added latency); under load one statement and one WAL
 * flush serve a whole group instead of one each. Every caller still answers only after the statement
 * holding its need has committed. A group's statement waits for a pooled connection ahead of single
 * requests' work (`shared`, shared/priority.ts); each caller's wait is its `intake.insert` phase.
 */
import { currentPriority, forWaiters, type Priority } from '../../shared/priority';
import { timed } from '../../shared/timings';
import { insertAcceptedNeeds, type AcceptedNeed } from '../../store/need.repository';
import type { Db } from '../../store/db';

export interface GroupCommitOptions {
  /** Most needs in one statement. Default 200. */
  maxBatch?: number;
  /** Statements in flight at once (each holds a pool connection). Default 4. */
  maxInFlight?: number;
}

interface Pending {
  need: AcceptedNeed;
  priority: Priority;
  resolve: (inserted: boolean) => void;
  reject: (err: unknown) => void;
}

export interface NeedGroupCommit {
  /** Resolves true once inserted and committed, false when an identical open need exists. */
  insert(need: AcceptedNeed): Promise<boolean>;
}

export function createNeedGroupCommit(db: Db, options: GroupCommitOptions = {}): NeedGroupCommit {
  const maxBatch = options.maxBatch ?? 200;
  const maxInFlight = options.maxInFlight ?? 4;
  const queue: Pending[] = [];
  let inFlight = 0;

  async function run(group: Pending[]): Promise<void> {
    try {
      const inserted = await forWaiters(group, () => insertAcceptedNeeds(db, group.map((p) => p.need)));
      for (const p of group) p.resolve(inserted.has(p.need.id));
    } catch (err) {
      if (group.length === 1) {
        group[0]!.reject(err);
        return;
      }
      // One bad need (e.g. its household deleted meanwhile) must not fail the others: retry alone.
      await Promise.all(group.map((p) => run([p])));
    }
  }

  function pump(): void {
    while (inFlight < maxInFlight && queue.length > 0) {
      const group = queue.splice(0, maxBatch);
      inFlight++;
      void run(group).finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  return {
    insert(need) {
      return timed('intake.insert', () => new Promise<boolean>((resolve, reject) => {
        queue.push({ need, priority: currentPriority(), resolve, reject });
        // Let the other requests of this event-loop turn join before the first statement goes out.
        if (queue.length === 1) setImmediate(pump);
      }));
    },
  };
}
