/**
 * Notices (issue #19, item 2): the messages Cordon sends people outside the web app, as data.
 * Each kind says who receives it, whether it is an emergency (sent in quiet hours too), what happens
 * to it in quiet hours otherwise (`defer` to their end, or `drop` when it would be stale by then:
 * an ETA), and the placeholders its templates may use (`time` ones are formatted in the person's
 * language and time zone). Placeholder values are ids, names of places, counts, codes and times:
 * never a drug, a need's details or a medical reason (they travel by SMS and push services).
 * Pure: no I/O, no clock.
 */

export const NOTICE_LANGUAGES = ['en', 'zh-CN'] as const;
export type NoticeLanguage = (typeof NOTICE_LANGUAGES)[number];

/** `inapp` is the live event the pages already receive: nothing is stored or sent for it. */
export const NOTICE_CHANNELS = ['sms', 'webpush', 'inapp'] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];
/** Channels whose notices are stored and delivered by the notices queue. */
export type SentChannel = Exclude<NoticeChannel, 'inapp'>;
export const SENT_CHANNELS: readonly SentChannel[] = ['sms', 'webpush'];

export type NoticeAudience = 'household' | 'corridor_chiefs' | 'community_staff' | 'all_community_staff';

export interface NoticeKindSpec {
  audience: NoticeAudience;
  /** Sent in quiet hours too, and not rate-limited. */
  emergency: boolean;
  whenQuiet: 'defer' | 'drop';
  params: readonly string[];
  /** Of `params`: ISO times, shown as the person's local time. */
  timeParams: readonly string[];
}

export const NOTICE_KINDS = {
  need_accepted: { audience: 'household', emergency: false, whenQuiet: 'defer', params: ['ref'], timeParams: [] },
  delivery_eta: { audience: 'household', emergency: false, whenQuiet: 'drop', params: ['gate', 'from', 'until'], timeParams: ['from', 'until'] },
  delivery_done: { audience: 'household', emergency: false, whenQuiet: 'defer', params: ['gate', 'bags'], timeParams: [] },
  delivery_failed: { audience: 'household', emergency: false, whenQuiet: 'defer', params: ['gate', 'reason'], timeParams: [] },
  pass_approved: { audience: 'household', emergency: false, whenQuiet: 'defer', params: ['ref', 'outbound', 'return'], timeParams: ['outbound', 'return'] },
  van_near: { audience: 'corridor_chiefs', emergency: false, whenQuiet: 'drop', params: ['gate', 'eta'], timeParams: ['eta'] },
  pass_overdue: { audience: 'community_staff', emergency: false, whenQuiet: 'defer', params: ['ref', 'community'], timeParams: [] },
  stock_low: { audience: 'all_community_staff', emergency: false, whenQuiet: 'defer', params: ['depot', 'item', 'available', 'threshold'], timeParams: [] },
  emergency_case: { audience: 'community_staff', emergency: true, whenQuiet: 'defer', params: ['ref', 'community'], timeParams: [] },
} as const satisfies Record<string, NoticeKindSpec>;

export type NoticeKind = keyof typeof NOTICE_KINDS;
export const NOTICE_KIND_NAMES = Object.keys(NOTICE_KINDS) as NoticeKind[];

/** A unit chief hears of a van this many minutes (or less) before it reaches their gate. */
export const VAN_NEAR_MS = 10 * 60_000;

/** Quiet hours as minutes of the local day; `from` > `until` spans midnight (22:00-07:00). */
export interface QuietHours {
  fromMin: number;
  untilMin: number;
}

export function parseClock(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new Error(`not HH:MM: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export const formatClock = (min: number): string => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

/** Minutes since local midnight of `at` in `timeZone`, and that midnight's offset handling left to Intl. */
function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

export function inQuietHours(at: Date, quiet: QuietHours | null, timeZone: string): boolean {
  if (!quiet || quiet.fromMin === quiet.untilMin) return false;
  const m = localMinutes(at, timeZone);
  return quiet.fromMin < quiet.untilMin ? m >= quiet.fromMin && m < quiet.untilMin : m >= quiet.fromMin || m < quiet.untilMin;
}

/** When the quiet hours `at` falls in end (the next local `untilMin`), to the minute. */
export function quietHoursEnd(at: Date, quiet: QuietHours, timeZone: string): Date {
  const now = localMinutes(at, timeZone);
  const wait = (quiet.untilMin - now + 24 * 60) % (24 * 60) || 24 * 60;
  const end = new Date(at.getTime() + wait * 60_000);
  end.setUTCSeconds(0, 0);
  return end;
}

const SLOT_MS = 15 * 60_000;

/**
 * The window told to a resident for an ETA: from the quarter hour at or before ETA - 10 min, half
 * an hour long. A re-plan that moves the ETA by a few minutes keeps the same window, so the dedup
 * key (which names the window) holds it back.
 */
export function etaWindow(eta: Date): { from: Date; until: Date } {
  const from = Math.floor((eta.getTime() - 10 * 60_000) / SLOT_MS) * SLOT_MS;
  return { from: new Date(from), until: new Date(from + 2 * SLOT_MS) };
}

/** A phone number as logs may show it: the last three digits only. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/[^0-9]/g, '');
  return `***${digits.slice(-3)}`;
}
