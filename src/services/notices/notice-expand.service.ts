/**
 * From captured events to each person's notices (the workers, every NOTICE_POLL_MS): takes the
 * oldest unexpanded events (locked, so workers processes share them), asks what each means
 * (notice-triggers.ts), finds the people, and stores one notice per person and channel they chose,
 * in their language, keyed `kind:subject` so the same message is never stored twice for them.
 *
 * Per person and channel, in this order: the channel is on for them and this server; the kind is
 * not muted (emergencies can't be); there is an address (an SMS number: theirs, or a resident's
 * household phone; a push subscription); then quiet hours, unless an emergency: an ETA or a van
 * near is dropped (stale by morning), anything else waits for their end; and the rate limit (at
 * most NOTICE_RATE_PER_HOUR routine notices per person and channel an hour, the rest dropped).
 * Dropped notices are stored too (status `suppressed`, with the reason), so they are not tried again.
 */
import { NOTICE_KINDS, SENT_CHANNELS, inQuietHours, quietHoursEnd, type SentChannel } from '../../domain/notices';
import type { Clock } from '../../shared/clock';
import type { Logger } from '../../shared/logger';
import type { Db } from '../../store/db';
import {
  communityStaff, corridorChiefs, householdResidents, insertNotices, markExpanded, preferencesOf, recentCounts, takeEvents, usersWithPush,
  type NewNotice, type Recipient,
} from '../../store/notice.repository';
import { rollbackToSavepoint, savepoint } from '../../store/savepoint';
import { effectivePreferences, type NoticeSettings } from './notice-settings';
import { intentsOf, type NoticeIntent, type NoticeTarget } from './notice-triggers';

export interface NoticeExpandDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  settings: NoticeSettings;
}

async function recipientsOf(db: Db, target: NoticeTarget): Promise<Recipient[]> {
  if ('households' in target) return householdResidents(db, target.households);
  if ('corridors' in target) return corridorChiefs(db, target.corridors);
  return communityStaff(db, target.communities);
}

/** The notices of one intent, for its people (their preferences and counts loaded by the caller). */
function noticesFor(
  intent: NoticeIntent, people: readonly Recipient[], ctx: {
    deps: NoticeExpandDeps; prefs: Awaited<ReturnType<typeof preferencesOf>>; withPush: ReadonlySet<string>; counts: Map<string, number>; eventId: string; now: Date;
  },
): NewNotice[] {
  const spec = NOTICE_KINDS[intent.kind];
  const { settings } = ctx.deps;
  const out: NewNotice[] = [];
  for (const person of people) {
    const pref = effectivePreferences(ctx.prefs.get(person.userId), settings.defaults);
    if (!spec.emergency && pref.muted.has(intent.kind)) continue;
    for (const channel of SENT_CHANNELS) {
      if (!pref.channels.has(channel) || !settings.available.has(channel)) continue;
      if (channel === 'sms' && !(pref.smsPhone ?? person.householdPhone)) continue;
      if (channel === 'webpush' && !ctx.withPush.has(person.userId)) continue;
      let status: NewNotice['status'] = 'pending';
      let suppressedReason: string | null = null;
      let notBefore = ctx.now;
      if (!spec.emergency && inQuietHours(ctx.now, pref.quiet, pref.timeZone)) {
        if (spec.whenQuiet === 'drop') [status, suppressedReason] = ['suppressed', 'quiet_hours'];
        else notBefore = quietHoursEnd(ctx.now, pref.quiet!, pref.timeZone);
      }
      const countKey = `${person.userId}:${channel}`;
      if (status === 'pending' && !spec.emergency) {
        const n = ctx.counts.get(countKey) ?? 0;
        if (n >= settings.ratePerHour) [status, suppressedReason] = ['suppressed', 'rate_limited'];
        else ctx.counts.set(countKey, n + 1);
      }
      out.push({
        userId: person.userId, kind: intent.kind, channel: channel satisfies SentChannel, dedupKey: `${intent.kind}:${intent.subject}`, language: pref.language,
        emergency: spec.emergency, params: intent.params, status, suppressedReason, notBefore, sourceEventId: ctx.eventId,
      });
    }
  }
  return out;
}

/** Expands up to `limit` captured events in one transaction; returns how many were taken. */
export async function expandNoticeEvents(deps: NoticeExpandDeps, limit = 100): Promise<number> {
  return deps.db.transaction().execute(async (trx) => {
    const events = await takeEvents(trx, limit);
    if (events.length === 0) return 0;
    const now = deps.clock.now();
    const counts = new Map<string, number>();
    const counted = new Set<string>();
    for (const event of events) {
      let rows: NewNotice[] = [];
      // A savepoint per event: one that cannot be read (a query refused) does not abort the others' transaction.
      await savepoint(trx, 'notice_event');
      try {
        for (const intent of await intentsOf(trx, event)) {
          const people = await recipientsOf(trx, intent.target);
          const ids = people.map((p) => p.userId).filter((id) => !counted.has(id));
          for (const [key, n] of await recentCounts(trx, ids, new Date(now.getTime() - 3_600_000))) counts.set(key, n);
          ids.forEach((id) => counted.add(id));
          const prefs = await preferencesOf(trx, people.map((p) => p.userId));
          const withPush = await usersWithPush(trx, people.map((p) => p.userId));
          rows = rows.concat(noticesFor(intent, people, { deps, prefs, withPush, counts, eventId: event.eventId, now }));
        }
      } catch (err) {
        // One event that cannot be read must not hold back the others: logged (ids only) and passed over.
        await rollbackToSavepoint(trx, 'notice_event');
        deps.logger.error({ eventId: event.eventId, eventType: event.type, err: (err as Error).message }, 'notice event not expanded; skipped');
        continue;
      }
      await insertNotices(trx, rows);
    }
    await markExpanded(trx, events.map((e) => e.id), now);
    return events.length;
  });
}
