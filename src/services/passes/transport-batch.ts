/**
 * Changes to passenger transport (a pass approved, a leg done, a pass closed, an emergency looking
 * for a car or done) are taken in batches: one transaction, one lock, one placement per batch.
 *
 * Planning rewrites trips whole, so every change that places, cancels or completes a leg holds the
 * transport-planning lock (an advisory lock, across processes) until it commits. One transaction per
 * change made that lock the district's bottleneck (issue #21, full-scale day): the thousand passes of
 * the morning queued their approvals, every other step of every pass and the emergencies queued
 * behind them (approval p50 121 s, p99 292 s; a pass review, which places nothing, 92 s).
 *
 * A process's changes wait in one queue (so at most one of its pooled connections waits on the
 * lock). When its batch starts it takes the lock, every change waiting writes, the legs all of them
 * want placed go to one `placeRequests`, and each finishes with the placement. If a change throws,
 * nothing of the batch is kept and it runs again with each change in a savepoint of its own (one
 * refused with an AppError is undone alone and answered with it); a change that failed for the
 * database's sake there, or a batch that failed as a whole again, runs again alone, so no change
 * fails for another's fault. The first try has no savepoints because under the district day's load
 * every statement of a batch waits for a turn of a busy event loop (about 180 ms): a savepoint was
 * a quarter of an emergency's statements. For the same reason a batch that will place reads the
 * fleet before it takes the lock, and its changes apply side by side and finish side by side, their
 * writes one statement for all (store/coalesce.ts). Emergencies looking for a car go first, then
 * emergencies done, then the passes, each lane in batches of its own (LANES). Lock order
 * everywhere: the planning lock first, then the pass or case rows (need-cancel-followups.service.ts
 * does the same).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { AppError } from '../../shared/errors';
import { addPhase, timed } from '../../shared/timings';
import type { Db } from '../../store/db';
import { holdTransportPlanning, type RequestRow } from '../../store/pass-transport.repository';
import { rollbackToSavepoint, savepoint } from '../../store/savepoint';
import { placeRequests, readPassengerFleet, type Placement } from './pass-transport.service';

/** What a change wrote: the legs it wants placed, and how it ends once they are. */
export interface Applied<T> {
  place: RequestRow[];
  finish(trx: Db, placement: Placement): Promise<T>;
}

export interface TransportChange<T> {
  /** When it was asked for; a batch places from the latest of its changes' times. */
  now: Date;
  /** Which waiting changes go first (LANES): an emergency's, then a closed emergency's, then the passes'. Default `pass`. */
  lane?: TransportLane;
  /** Whether it will ask for legs to be placed (an approval, an emergency's raise): its batch reads the fleet before the lock. */
  places?: boolean;
  /**
   * Its writes, in the batch's transaction, under the planning lock, side by side with the other
   * changes' (runBatch): each write one statement that reads what it changes as it runs.
   */
  apply(trx: Db): Promise<Applied<T>>;
}

/**
 * The order waiting changes are taken in, each lane in batches of its own and in order of arrival:
 * an emergency looking for a car, then an emergency reported done (its car is released), then the
 * passes. A done in the passes' lane waited 73 s (p50) behind the morning's approvals in the
 * district day; in the emergencies' own it held their raises up (queue p50 1.5 s -> 14.5 s).
 */
export const LANES = ['emergency', 'emergency-done', 'pass'] as const;
export type TransportLane = (typeof LANES)[number];

/** A change that places nothing: it ends with what it wrote. */
export const placesNothing = <T>(value: T): Applied<T> => ({ place: [], finish: async () => value });

/**
 * At most this many changes a batch, per lane. An emergency arriving waits for the batch running in
 * its process and for the one holding the lock in another, so a batch must stay short. Since every
 * batch applies side by side (runBatch), a batch is about a dozen statements whatever its size:
 * the fleet, the lock, one statement per kind of write, the placement. So a larger batch costs a
 * little planner time and no more turns of the event loop. In the district day a morning's thousand
 * approvals arrive within 20 s (25 a second per API process); in batches of 8, one change after
 * another, they queued 52 s (p50), and in batches of 32 side by side still 38 s, each batch taking
 * about 1.4 s. Emergencies come in bursts (the district day raises 200 in a minute, 1.7 a second per
 * API process): in batches of 8 a process placed under one a second and the queue grew through the
 * burst (raise p50 43 s, of which 30 s queued).
 */
const MAX_BATCH: Record<TransportLane, number> = { emergency: 32, 'emergency-done': 32, pass: 64 };

interface Entry {
  change: TransportChange<unknown>;
  started(): void;
  resolve(value: unknown): void;
  reject(err: unknown): void;
  /** Runs `fn` in the async context of the request that asked (so its timed phases are its own). */
  resume<R>(fn: () => R): R;
}

interface Queue { waiting: Entry[]; busy: boolean }

const laneOf = (e: Entry): TransportLane => e.change.lane ?? 'pass';

const queues = new WeakMap<Db, Queue>();

/** Runs `change` in this process's next transport batch on `db`; resolves with what it finished with. */
export async function inTransportBatch<T>(db: Db, change: TransportChange<T>): Promise<T> {
  let q = queues.get(db);
  if (!q) queues.set(db, (q = { waiting: [], busy: false }));
  const queue = q;
  let result!: Promise<T>;
  await timed('transport.queue', () => new Promise<void>((started) => {
    result = new Promise<T>((resolve, reject) => {
      queue.waiting.push({ change: change as TransportChange<unknown>, started, resolve: resolve as (v: unknown) => void, reject, resume: AsyncLocalStorage.snapshot() });
    });
    if (!queue.busy) void drain(db, queue);
  }));
  return timed('transport.batch', () => result);
}

/** Changes waiting for this process's next batch on `db` (the one running not counted). */
export function transportChangesWaiting(db: Db): number {
  return queues.get(db)?.waiting.length ?? 0;
}

async function drain(db: Db, q: Queue): Promise<void> {
  q.busy = true;
  try {
    while (q.waiting.length > 0) {
      // The first lane with a change waiting, in a batch of its own (an emergency not held up by passes' writes).
      const lane = LANES.find((l) => q.waiting.some((e) => laneOf(e) === l))!;
      const batch = q.waiting.filter((e) => laneOf(e) === lane).slice(0, MAX_BATCH[lane]);
      q.waiting = q.waiting.filter((e) => !batch.includes(e));
      await runBatch(db, batch);
    }
  } finally {
    q.busy = false;
  }
}

/** Runs `batch` in one transaction; `isolated`: each change in a savepoint of its own (the second try). */
async function runBatch(db: Db, batch: Entry[], isolated = false): Promise<void> {
  batch.forEach((e) => e.started());
  const alone = batch.length === 1;
  const again: Entry[] = [];
  const refused = new Map<Entry, unknown>();
  const done = new Map<Entry, unknown>();
  try {
    await db.transaction().execute(async (trx) => {
      const latest = new Date(Math.max(...batch.map((e) => e.change.now.getTime())));
      const fleet = batch.some((e) => e.change.places) ? await readPassengerFleet(trx, latest) : undefined;
      const asked = performance.now();
      await holdTransportPlanning(trx);
      const lockMs = performance.now() - asked;
      batch.forEach((e) => e.resume(() => addPhase('transport.lock', lockMs)));
      const applied: { entry: Entry; result: Applied<unknown> }[] = [];
      const apply = (entry: Entry) => entry.resume(() => entry.change.apply(trx));
      if (!isolated) {
        // Side by side: each change writes its own rows, each write one statement (an emergency its
        // case and leg, or its case, legs and need once done; a pass its move, and its legs inserted,
        // done or cancelled), and side by side those writes coalesce into one statement for the batch
        // (store/coalesce.ts). Each such statement reads what it changes as it runs, so two changes
        // touching one trip do not write over each other. One after another, a batch of 32
        // emergencies held the planning lock for 64 statements, each waiting for a turn of a busy
        // event loop (district day: emergency assignment p99 39 s, 13 s of it the batch's own).
        const results = await settled(batch.map(apply));
        applied.push(...batch.map((entry, i) => ({ entry, result: results[i]! })));
      } else {
        for (const entry of batch) {
          // Not released after (a statement saved per change): rolling back to the name reaches the latest
          // savepoint of that name, this change's.
          await savepoint(trx, 'transport_change');
          try {
            applied.push({ entry, result: await apply(entry) });
          } catch (err) {
            await rollbackToSavepoint(trx, 'transport_change');
            if (err instanceof AppError) refused.set(entry, err);
            else again.push(entry);
          }
        }
      }
      if (applied.length === 0) return;
      const now = new Date(Math.max(...applied.map((a) => a.entry.change.now.getTime())));
      // A leg two changes asked for (a case dispatched twice at once) is placed once.
      const legs = [...new Map(applied.flatMap((a) => a.result.place).map((r) => [r.id, r])).values()];
      const placement = await placeRequests(trx, now, legs, fleet);
      const finish = ({ entry, result }: (typeof applied)[number]) => entry.resume(() => result.finish(trx, placement));
      (await settled(applied.map(finish))).forEach((value, i) => done.set(applied[i]!.entry, value));
    });
  } catch (err) {
    if (alone) return batch[0]!.reject(err);
    // Nothing of the batch was kept: again with each change in a savepoint, or, if that failed as a whole too, each alone.
    if (!isolated) return runBatch(db, batch, true);
    done.clear();
    refused.clear();
    again.splice(0, again.length, ...batch);
  }
  for (const [entry, err] of refused) entry.reject(err);
  for (const [entry, value] of done) entry.resolve(value);
  for (const entry of again) await runBatch(db, [entry]);
}

/**
 * The values of `work` once every one has settled, or the first failure: work side by side on one
 * transaction must not go on writing after it has rolled back.
 */
async function settled<T>(work: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(work);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
