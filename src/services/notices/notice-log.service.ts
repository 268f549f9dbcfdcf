/** The notices' queue in the database: what is due now, and the log's pruning. */
import type { Db } from '../../store/db';
import { claimDue, pruneEvents, pruneNotices } from '../../store/notice.repository';

/** A claimed notice whose job vanished (Redis flushed) is claimed again after this long. */
const REQUEUE_AFTER_MS = 10 * 60_000;

/** Pending notices due by `now`, claimed for queueing (at most 500 a call). */
export function dueNotices(db: Db, now: Date): Promise<string[]> {
  return claimDue(db, now, new Date(now.getTime() - REQUEUE_AFTER_MS), 500);
}

/** Drops notices (not pending) and expanded events older than `days`. */
export async function pruneNoticeLog(db: Db, now: Date, days: number): Promise<number> {
  const before = new Date(now.getTime() - days * 86_400_000);
  return (await pruneNotices(db, before)) + (await pruneEvents(db, before));
}
