/**
 * The notices' settings as the services use them, built once from the config (API and workers
 * alike), and each person's effective preferences: their saved ones, or the configured defaults.
 */
import type { Config } from '../../../config/config';
import { NOTICE_LANGUAGES, parseClock, type NoticeChannel, type NoticeKind, type NoticeLanguage, type QuietHours, type SentChannel } from '../../domain/notices';
import type { PreferenceRow } from '../../store/notice.repository';
import { parseAllowHosts, type AllowedHost } from '../webhooks/webhook-target';

export type NoticeConfig = Pick<Config,
  | 'NOTICE_SMS_URL' | 'NOTICE_SMS_AUTH_HEADER' | 'NOTICE_SMS_BODY' | 'NOTICE_SMS_CONTENT_TYPE' | 'NOTICE_VAPID_PUBLIC_KEY' | 'NOTICE_VAPID_PRIVATE_KEY'
  | 'NOTICE_VAPID_SUBJECT' | 'NOTICE_PUSH_TTL_S' | 'NOTICE_ALLOW_HOSTS' | 'NOTICE_DEFAULT_LANGUAGE' | 'NOTICE_DEFAULT_CHANNELS' | 'NOTICE_DEFAULT_QUIET_HOURS'
  | 'NOTICE_TIME_ZONE' | 'NOTICE_RATE_PER_HOUR' | 'NOTICE_TIMEOUT_MS'>;

export interface NoticeDefaults {
  language: NoticeLanguage;
  channels: readonly NoticeChannel[];
  quiet: QuietHours | null;
  timeZone: string;
}

export interface NoticeSettings {
  defaults: NoticeDefaults;
  /** Channels this server can send: SMS with a gateway, web push with VAPID keys. */
  available: ReadonlySet<SentChannel>;
  ratePerHour: number;
  allowHosts: readonly AllowedHost[];
  vapidPublicKey: string | null;
}

export function parseQuietHours(value: string): QuietHours | null {
  if (value === 'off') return null;
  const [from, until] = value.split('-');
  return { fromMin: parseClock(from!), untilMin: parseClock(until!) };
}

export function noticeSettingsFrom(config: NoticeConfig): NoticeSettings {
  const available = new Set<SentChannel>();
  if (config.NOTICE_SMS_URL) available.add('sms');
  if (config.NOTICE_VAPID_PUBLIC_KEY && config.NOTICE_VAPID_PRIVATE_KEY) available.add('webpush');
  return {
    defaults: {
      language: config.NOTICE_DEFAULT_LANGUAGE, channels: config.NOTICE_DEFAULT_CHANNELS,
      quiet: parseQuietHours(config.NOTICE_DEFAULT_QUIET_HOURS), timeZone: config.NOTICE_TIME_ZONE,
    },
    available,
    ratePerHour: config.NOTICE_RATE_PER_HOUR,
    allowHosts: parseAllowHosts(config.NOTICE_ALLOW_HOSTS),
    vapidPublicKey: available.has('webpush') ? config.NOTICE_VAPID_PUBLIC_KEY ?? null : null,
  };
}

export interface EffectivePreferences {
  language: NoticeLanguage;
  channels: ReadonlySet<NoticeChannel>;
  muted: ReadonlySet<NoticeKind>;
  smsPhone: string | null;
  quiet: QuietHours | null;
  timeZone: string;
  saved: boolean;
}

const isLanguage = (l: string): l is NoticeLanguage => (NOTICE_LANGUAGES as readonly string[]).includes(l);

export function effectivePreferences(row: PreferenceRow | undefined, defaults: NoticeDefaults): EffectivePreferences {
  if (!row) return { language: defaults.language, channels: new Set(defaults.channels), muted: new Set(), smsPhone: null, quiet: defaults.quiet, timeZone: defaults.timeZone, saved: false };
  return {
    language: isLanguage(row.language) ? row.language : defaults.language,
    channels: new Set(row.channels as NoticeChannel[]),
    muted: new Set(row.mutedKinds as NoticeKind[]),
    smsPhone: row.smsPhone,
    quiet: row.quietFromMin === null || row.quietUntilMin === null ? null : { fromMin: row.quietFromMin, untilMin: row.quietUntilMin },
    timeZone: row.timeZone,
    saved: true,
  };
}
