/**
 * Runs a write once per (actor, Idempotency-Key): the key is claimed, the work done and the
 * response stored in ONE transaction. A retry, sequential or concurrent (it waits on the key's
 * unique index until the first commits), gets the first response; the same key with another
 * request body is refused. A failed attempt rolls back its key with everything else. Keys are
 * deleted after IDEMPOTENCY_TTL_HOURS (retention.service.ts).
 */
import { AppError } from '../../shared/errors';
import { claimKey, findKey, saveResponse } from '../../store/idempotency.repository';
import type { Db } from '../../store/db';

export interface Idempotency {
  key: string;
  /** Hash of method, path and canonical body: what makes two requests "the same". */
  requestHash: string;
}

export interface WriteResult<B> {
  status: number;
  body: B;
  /** True when this is the stored response of an earlier request with the same key. */
  replayed?: boolean;
}

export async function runIdempotent<B>(
  db: Db,
  actorId: string,
  idem: Idempotency | undefined,
  work: (trx: Db) => Promise<WriteResult<B>>,
  /** When the key is claimed (the service's clock): its retention counts from here. Default: the database's now(). */
  at?: Date,
): Promise<WriteResult<B>> {
  return db.transaction().execute(async (trx) => {
    if (idem && !(await claimKey(trx, actorId, idem.key, idem.requestHash, at))) {
      const stored = await findKey(trx, actorId, idem.key);
      if (!stored || stored.statusCode === null) throw new AppError('idempotency_in_progress');
      if (stored.requestHash !== idem.requestHash) {
        throw new AppError('idempotency_mismatch', 'this Idempotency-Key was used for a different request', {
          errors: [{ path: ['Idempotency-Key'], message: 'already used with a different request body or path' }],
        });
      }
      return { status: stored.statusCode, body: stored.body as B, replayed: true };
    }
    const result = await work(trx);
    if (idem) await saveResponse(trx, actorId, idem.key, result.status, result.body);
    return result;
  });
}

/**
 * runIdempotent for work that is one statement, atomic on its own: without a key it runs outside a
 * transaction, holding a pooled connection for that statement alone. BEGIN and COMMIT were two more
 * round trips holding it, each waiting for a turn of a busy API process: in the district day's first
 * minute pass transactions held most of the pool, open and idle, while needs waited for it (issue #21).
 */
export function runIdempotentStatement<B>(db: Db, actorId: string, idem: Idempotency | undefined, work: (executor: Db) => Promise<WriteResult<B>>, at?: Date): Promise<WriteResult<B>> {
  return idem ? runIdempotent(db, actorId, idem, work, at) : work(db);
}
