/**
 * Sending one stored notice (a job of the `notices` queue). The notice row is the durable record:
 * pending until sent, failed or dropped; a job runs for a pending one only (a second run of a sent
 * one does nothing). Quiet hours and the person's channel are checked again at send time (they may
 * have changed since it was stored, or it waited for Redis). A channel fault is recorded and thrown,
 * so BullMQ retries it with backoff (NOTICE_MAX_ATTEMPTS, NOTICE_BACKOFF_MS); the last attempt
 * records it failed. Logs carry ids, the kind and a masked phone: never the text or the number.
 */
import { NOTICE_KINDS, NOTICE_KIND_NAMES, NOTICE_LANGUAGES, inQuietHours, maskPhone, quietHoursEnd, type NoticeChannel, type NoticeKind, type NoticeLanguage } from '../../domain/notices';
import type { Clock } from '../../shared/clock';
import type { Logger } from '../../shared/logger';
import type { Db } from '../../store/db';
import { findNotice, householdPhoneOf, postpone, preferencesOf, recordAttempt, suppress } from '../../store/notice.repository';
import type { NoticeChannelSender } from './notice-channels';
import { effectivePreferences, type NoticeSettings } from './notice-settings';
import { renderNotice, type NoticeValues } from './notice-templates';

export interface NoticeDeliveryDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  settings: NoticeSettings;
  channels: Partial<Record<NoticeChannel, NoticeChannelSender>>;
}

export type NoticeOutcome = 'sent' | 'failed' | 'suppressed' | 'postponed' | 'stale';

export class NoticeRetry extends Error {
  override readonly name = 'NoticeRetry';
}

const isKind = (k: string): k is NoticeKind => (NOTICE_KIND_NAMES as readonly string[]).includes(k);
const isLanguage = (l: string): l is NoticeLanguage => (NOTICE_LANGUAGES as readonly string[]).includes(l);

/** `final`: this is the job's last attempt (a fault then fails the notice instead of retrying). */
export async function deliverNotice(deps: NoticeDeliveryDeps, noticeId: string, final: boolean): Promise<NoticeOutcome> {
  const notice = await findNotice(deps.db, noticeId);
  if (!notice || notice.status !== 'pending' || !isKind(notice.kind)) return 'stale';
  const now = deps.clock.now();
  if (notice.notBefore > now) return 'stale'; // claimed again when due
  const pref = effectivePreferences((await preferencesOf(deps.db, [notice.userId])).get(notice.userId), deps.settings.defaults);
  const channel = notice.channel as NoticeChannel;
  const log = deps.logger.child({ noticeId, kind: notice.kind, channel, attempt: notice.attempts + 1 });
  if (!pref.channels.has(channel)) {
    await suppress(deps.db, noticeId, 'channel_off');
    return 'suppressed';
  }
  const spec = NOTICE_KINDS[notice.kind];
  if (!notice.emergency && inQuietHours(now, pref.quiet, pref.timeZone)) {
    if (spec.whenQuiet === 'drop') {
      await suppress(deps.db, noticeId, 'quiet_hours');
      return 'suppressed';
    }
    await postpone(deps.db, noticeId, quietHoursEnd(now, pref.quiet!, pref.timeZone));
    return 'postponed';
  }
  const sender = deps.channels[channel];
  if (!sender) {
    await recordAttempt(deps.db, noticeId, { status: 'failed', error: `channel ${channel} not configured`, at: now });
    return 'failed';
  }
  const phone = channel === 'sms' ? pref.smsPhone ?? (await householdPhoneOf(deps.db, notice.userId)) : null;
  // In the language the person had when it was stored; times in their time zone now.
  const language = isLanguage(notice.language) ? notice.language : pref.language;
  const rendered = renderNotice(notice.kind, language, notice.params as NoticeValues, pref.timeZone);
  const outcome = await sender.send({ noticeId, userId: notice.userId, kind: notice.kind, language, ...rendered, emergency: notice.emergency, phone });
  const at = deps.clock.now();
  const to = phone ? { to: maskPhone(phone) } : {};
  if (outcome.ok) {
    await recordAttempt(deps.db, noticeId, { status: 'sent', error: null, at });
    log.info({ ...to, detail: outcome.detail }, 'notice sent');
    return 'sent';
  }
  if (outcome.permanent || final) {
    await recordAttempt(deps.db, noticeId, { status: 'failed', error: outcome.error, at });
    log.warn({ ...to, err: outcome.error, permanent: outcome.permanent }, 'notice failed');
    return 'failed';
  }
  await recordAttempt(deps.db, noticeId, { status: 'pending', error: outcome.error, at });
  log.warn({ ...to, err: outcome.error }, 'notice attempt failed; will retry');
  throw new NoticeRetry(outcome.error);
}
