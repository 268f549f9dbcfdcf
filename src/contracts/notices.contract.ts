/**
 * Notices (issue #19, items 2 and 3): a person's notice preferences, their browsers' push
 * subscriptions, the admins' template listing and preview, and the delivery job.
 */
import { z } from 'zod';
import { NOTICE_CHANNELS, NOTICE_KIND_NAMES, NOTICE_LANGUAGES, type NoticeKind } from '../domain/notices';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
const timeZone = z.string().min(1).max(64).refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone such as Asia/Shanghai').meta({ example: 'Asia/Shanghai' });
const kinds = z.enum(NOTICE_KIND_NAMES as [NoticeKind, ...NoticeKind[]]);
const unique = <T>(list: readonly T[]) => new Set(list).size === list.length;

/** Digits, spaces, dashes and brackets, an optional leading +; 5 to 24 characters. */
export const phoneSchema = z.string().trim().regex(/^\+?[0-9][0-9 ()-]{3,22}[0-9]$/, 'a phone number such as +86 138 0013 8000');

export const quietHoursSchema = z.strictObject({ from: clock, until: clock }).meta({ description: 'Local times; from later than until spans midnight (22:00 to 07:00)' });

export const noticePreferencesBody = z.strictObject({
  language: z.enum(NOTICE_LANGUAGES),
  channels: z.array(z.enum(NOTICE_CHANNELS)).max(NOTICE_CHANNELS.length).refine(unique, 'each channel once'),
  /** Routine kinds not wanted at all (emergencies always come). */
  mutedKinds: z.array(kinds).max(NOTICE_KIND_NAMES.length).refine(unique, 'each kind once').default([]),
  /** Where SMS go; null: a resident's household phone (staff get no SMS without one). */
  smsPhone: phoneSchema.nullable().default(null),
  quietHours: quietHoursSchema.nullable(),
  timeZone,
});
export type NoticePreferencesInput = z.infer<typeof noticePreferencesBody>;

export const noticePreferencesView = z.object({
  language: z.enum(NOTICE_LANGUAGES),
  channels: z.array(z.enum(NOTICE_CHANNELS)),
  mutedKinds: z.array(kinds),
  smsPhone: z.string().nullable(),
  /** The household's phone SMS go to when smsPhone is null (residents). */
  householdPhone: z.string().nullable(),
  quietHours: quietHoursSchema.nullable(),
  timeZone: z.string(),
  /** false: the account never saved any, these are the defaults. */
  saved: z.boolean(),
  /** Channels this server can send (SMS needs a gateway, web push VAPID keys). */
  available: z.array(z.enum(NOTICE_CHANNELS)),
  kinds: z.array(z.strictObject({ kind: kinds, emergency: z.boolean() })),
  pushSubscriptions: z.int().nonnegative(),
});
export type NoticePreferencesView = z.infer<typeof noticePreferencesView>;

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** A browser's PushSubscription as `subscription.toJSON()` gives it. */
export const pushSubscriptionBody = z.strictObject({
  endpoint: z.string().min(1).max(2000).meta({ description: 'The push service URL (https; http only for a host in NOTICE_ALLOW_HOSTS)' }),
  expirationTime: z.number().nullable().optional(),
  // Lengths and a refine rather than a regex with a long repeat: the OpenAPI fuzz's generator could not draw such patterns in time.
  keys: z.strictObject({
    p256dh: z.string().min(80).max(100).refine((v) => BASE64URL.test(v), 'base64url P-256 public key'),
    auth: z.string().min(16).max(24).refine((v) => BASE64URL.test(v), 'base64url auth secret'),
  }),
});
export type PushSubscriptionInput = z.infer<typeof pushSubscriptionBody>;

export const pushSubscriptionCreated = z.object({ id: z.uuid() });

/** Push off on one device: the browser names its subscription by endpoint (it does not know the server's id). */
export const pushUnsubscribeBody = z.strictObject({
  endpoint: z.string().min(1).max(2000).meta({ description: 'The endpoint of the browser\'s PushSubscription, as it was posted' }),
});
export const pushUnsubscribed = z.object({ removed: z.int().nonnegative().meta({ description: '1: the caller\'s subscription was deleted; 0: the caller had none with this endpoint (already gone)' }) });
export const vapidKeyView = z.object({ publicKey: z.string().nullable().meta({ description: 'null: web push is not configured on this server' }) });

export const noticeTemplateView = z.object({
  kind: kinds,
  language: z.enum(NOTICE_LANGUAGES),
  title: z.string(),
  text: z.string(),
  placeholders: z.array(z.string()),
  emergency: z.boolean(),
});
export const noticeTemplateList = z.object({ templates: z.array(noticeTemplateView) });

export const noticePreviewBody = z.strictObject({
  kind: kinds,
  language: z.enum(NOTICE_LANGUAGES),
  /** Sample values of the kind's placeholders; times as ISO 8601. Missing ones show as a dash. */
  values: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,31}$/), z.union([z.string().max(200), z.number()])).default({}),
  timeZone: timeZone.optional(),
});
export const noticePreview = z.object({ title: z.string(), text: z.string(), unknownValues: z.array(z.string()) });

export const NOTICE_QUEUE = 'notices';
export const NOTICE_JOB = 'notice.send';
export const noticeJobData = z.strictObject({ noticeId: z.string().regex(/^[1-9]\d{0,17}$/) });
export type NoticeJobData = z.infer<typeof noticeJobData>;
