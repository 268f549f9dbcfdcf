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
  type CapturedEvent, type NewNotice, type Recipient,
} from '../../store/notice.repository';
import { rollbackToSavepoint, savepoint } from '../../store/savepoint';
import { effectivePreferences, type NoticeSettings } from './notice-settings';
import { intentsOf, intentsWithoutReading, type NoticeIntent, type NoticeTarget } from './notice-triggers';

export interface NoticeExpandDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  settings: NoticeSettings;
}

/**
 * The people of every target of a batch, read at once: households' residents in one statement,
 * corridors' unit chiefs in one, community staff once per distinct list (alerts: few). A batch of
 * a cycle's entitlements asked one statement per event before, and a savepoint: 230,000 statements
 * in the district day's first three minutes, two thirds of all the database was sent (issue #21).
 */
async function recipientsOf(db: Db, targets: readonly NoticeTarget[]): Promise<(target: NoticeTarget) => Recipient[]> {
  const households = new Set<string>();
  const corridors = new Set<string>();
  const staffLists = new Map<string, readonly string[] | null>();
  const staffKey = (ids: readonly string[] | null) => (ids === null ? '*' : [...ids].sort().join(','));
  for (const t of targets) {
    if ('households' in t) t.households.forEach((h) => households.add(h));
    else if ('corridors' in t) t.corridors.forEach((c) => corridors.add(c));
    else staffLists.set(staffKey(t.communities), t.communities);
  }
  const residents = groupBy(await householdResidents(db, [...households]), (r) => r.householdId);
  const chiefs = groupBy(await corridorChiefs(db, [...corridors]), (r) => r.corridorId);
  const staff = new Map<string, Recipient[]>();
  for (const [key, ids] of staffLists) staff.set(key, await communityStaff(db, ids));
  return (t) => ('households' in t ? t.households.flatMap((h) => residents.get(h) ?? [])
    : 'corridors' in t ? t.corridors.flatMap((c) => chiefs.get(c) ?? [])
      : staff.get(staffKey(t.communities)) ?? []);
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/**
 * What each event asks for, in order. An event whose notices need reading (a trip's stops, names)
 * is read in a savepoint of its own: one that cannot be read is logged (ids only) and passed over,
 * and the transaction goes on with the others.
 */
async function askedOf(deps: NoticeExpandDeps, trx: Db, events: readonly CapturedEvent[]): Promise<{ event: CapturedEvent; intents: NoticeIntent[] }[]> {
  const out: { event: CapturedEvent; intents: NoticeIntent[] }[] = [];
  for (const event of events) {
    const plain = intentsWithoutReading(event);
    if (plain) {
      out.push({ event, intents: plain });
      continue;
    }
    await savepoint(trx, 'notice_event');
    try {
      out.push({ event, intents: await intentsOf(trx, event) });
    } catch (err) {
      await rollbackToSavepoint(trx, 'notice_event');
      deps.logger.error({ eventId: event.eventId, eventType: event.type, err: (err as Error).message }, 'notice event not expanded; skipped');
    }
  }
  return out;
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

/**
 * Expands up to `limit` captured events in one transaction; returns how many were taken. The people,
 * their preferences, push subscriptions and counts of the hour are read once for the whole batch,
 * and its notices stored in one statement; the rate limit counts them in event order.
 */
export async function expandNoticeEvents(deps: NoticeExpandDeps, limit = 100): Promise<number> {
  return deps.db.transaction().execute(async (trx) => {
    const events = await takeEvents(trx, limit);
    if (events.length === 0) return 0;
    const now = deps.clock.now();
    const asked = await askedOf(deps, trx, events);
    const peopleOf = await recipientsOf(trx, asked.flatMap((a) => a.intents.map((i) => i.target)));
    const ids = [...new Set(asked.flatMap((a) => a.intents.flatMap((i) => peopleOf(i.target).map((p) => p.userId))))];
    const counts = await recentCounts(trx, ids, new Date(now.getTime() - 3_600_000));
    const prefs = await preferencesOf(trx, ids);
    const withPush = await usersWithPush(trx, ids);
    const rows = asked.flatMap(({ event, intents }) =>
      intents.flatMap((intent) => noticesFor(intent, peopleOf(intent.target), { deps, prefs, withPush, counts, eventId: event.eventId, now })));
    await insertNotices(trx, rows);
    await markExpanded(trx, events.map((e) => e.id), now);
    return events.length;
  });
}
