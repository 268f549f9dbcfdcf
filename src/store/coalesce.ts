/**
 * One statement for many callers: calls of a write made side by side on one transaction (the
 * emergencies of a transport batch, each placing its own case) are sent as one statement when the
 * running code next waits, instead of one statement each.
 *
 * Under the district day's load every statement waits a turn of its API process's busy event loop
 * (about 200 ms) while the transport-planning lock is held, so a batch of 32 emergencies writing
 * their cases one by one held it for 64 such turns (issue #21). DataLoader batches the calls made
 * in one tick, which is what this needs; its cache is off: these are writes, or reads of what the
 * transaction is changing (the legs of the passes it closes).
 *
 * Only calls on a transaction coalesce: there every call is the caller's own work, which fails or
 * commits as one anyway. On the pool, calls of unrelated requests would share a statement and one
 * request's failure would be the other's, so each is a statement of its own there.
 */
import DataLoader from 'dataloader';
import type { Db } from './db';

/**
 * `write` for many inputs (its outputs in the same order) made callable for one: the calls on one
 * transaction in the same tick go to one `write`. If it throws, every call of that statement does.
 */
export function coalesced<I, O>(write: (trx: Db, inputs: readonly I[]) => Promise<O[]>): (trx: Db, input: I) => Promise<O> {
  const loaders = new WeakMap<Db, DataLoader<I, O>>();
  return async (trx, input) => {
    if (!trx.isTransaction) return (await write(trx, [input]))[0]!;
    let loader = loaders.get(trx);
    if (!loader) loaders.set(trx, (loader = new DataLoader((inputs) => write(trx, inputs), { cache: false })));
    return loader.load(input);
  };
}
