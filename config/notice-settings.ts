/**
 * The notices' settings (issue #19, items 2 and 3), part of the one config schema (config.ts
 * spreads them in), kept apart so they read as one block. A channel is on when its settings are
 * given: SMS with NOTICE_SMS_URL, web push with both VAPID keys.
 */
import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;
const commaList = z.string().transform((v) => v.split(',').map((h) => h.trim()).filter((h) => h.length > 0));

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const QUIET = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;
const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'base64url, as `npx web-push generate-vapid-keys` prints it');

export const noticeSettings = {
  /** The SMS gateway's URL (POST). Unset: no SMS. */
  NOTICE_SMS_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** A header the gateway authenticates by, `Name: value` (e.g. `Authorization: Bearer ...`). Default none. */
  NOTICE_SMS_AUTH_HEADER: z.string().regex(/^[A-Za-z0-9-]{1,64}: ?\S.*$/, 'Name: value').optional(),
  /**
   * The request body per message, with {{to}}, {{text}}, {{title}}, {{kind}}, {{language}} and
   * {{id}}, each escaped for NOTICE_SMS_CONTENT_TYPE. Default `{"to":"{{to}}","text":"{{text}}"}`.
   */
  NOTICE_SMS_BODY: z.string().min(1).max(4000).default('{"to":"{{to}}","text":"{{text}}"}'),
  /** `json` (application/json) or `form` (application/x-www-form-urlencoded). Default json. */
  NOTICE_SMS_CONTENT_TYPE: z.enum(['json', 'form']).default('json'),
  /** The VAPID key pair of web push (base64url). Unset: no web push. */
  NOTICE_VAPID_PUBLIC_KEY: base64url.optional(),
  NOTICE_VAPID_PRIVATE_KEY: base64url.optional(),
  /** Who runs this server, for the push services: `mailto:` or `https:` URL. Default mailto:ops@cordon.invalid. */
  NOTICE_VAPID_SUBJECT: z.string().regex(/^(mailto:|https:\/\/)\S+$/, 'mailto:address or https://url').default('mailto:ops@cordon.invalid'),
  /** Seconds a push service keeps a message for an offline browser. Default 3600. */
  NOTICE_PUSH_TTL_S: int(0, 2_419_200).default(3600),
  /**
   * The SMS gateway and push endpoints pass the webhooks' SSRF rules (https, public addresses)
   * unless their host is listed here, comma-separated `host` or `host:port`. Default none.
   */
  NOTICE_ALLOW_HOSTS: commaList.pipe(z.array(z.string().regex(HOST_PORT, 'a comma-separated list of host or host:port'))).default([]),
  /** Language of people who chose none: en or zh-CN. Default zh-CN. */
  NOTICE_DEFAULT_LANGUAGE: z.enum(['en', 'zh-CN']).default('zh-CN'),
  /** Channels of people who chose none, comma-separated among sms, webpush, inapp. Default all three. */
  NOTICE_DEFAULT_CHANNELS: commaList.pipe(z.array(z.enum(['sms', 'webpush', 'inapp'], { error: 'a comma-separated list of sms, webpush, inapp' }))).default(['sms', 'webpush', 'inapp']),
  /** Quiet hours of people who chose none, `HH:MM-HH:MM` local time, or `off`. Default 22:00-07:00. */
  NOTICE_DEFAULT_QUIET_HOURS: z.union([z.literal('off'), z.string().regex(QUIET)], { error: 'HH:MM-HH:MM or off' }).default('22:00-07:00'),
  /** Time zone of people who chose none (IANA name). Default Asia/Shanghai. */
  NOTICE_TIME_ZONE: z.string().refine(isTimeZone, 'an IANA time zone such as Asia/Shanghai').default('Asia/Shanghai'),
  /** Routine notices per person and channel per hour; more are dropped (emergencies never). Default 10. */
  NOTICE_RATE_PER_HOUR: int(1, 1000).default(10),
  /** Attempts per notice (channel faults, gateway 5xx) before it is failed. Default 5. */
  NOTICE_MAX_ATTEMPTS: int(1, 50).default(5),
  /** Wait in ms before the first retry, doubled each time. Default 30000. */
  NOTICE_BACKOFF_MS: int(10, 3_600_000).default(30_000),
  /** Longest wait in ms for the gateway's or push service's answer. Default 10000. */
  NOTICE_TIMEOUT_MS: int(100, 120_000).default(10_000),
  /** Ms between the workers' looks for new events and due notices. Default 1000. */
  NOTICE_POLL_MS: int(10, 60_000).default(1000),
  /** Notices sent at once by each workers process. Default 4. */
  NOTICE_CONCURRENCY: int(1, 100).default(4),
  /** Days sent, failed and dropped notices are kept. Default 30. */
  NOTICE_LOG_DAYS: int(1, 3650).default(30),
};
