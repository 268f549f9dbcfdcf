/**
 * Notices (migration 0027): preferences, push subscriptions, the captured events and the notices
 * themselves, with the reads that find who a notice is for. Plain objects out; raw SQL in.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from './db';

export interface PreferenceRow {
  userId: string;
  language: string;
  channels: string[];
  mutedKinds: string[];
  smsPhone: string | null;
  quietFromMin: number | null;
  quietUntilMin: number | null;
  timeZone: string;
  updatedAt: Date;
}

type PrefSql = { user_id: string; language: string; channels: string[]; muted_kinds: string[]; sms_phone: string | null; quiet_from_min: number | null; quiet_until_min: number | null; time_zone: string; updated_at: Date };
const toPref = (r: PrefSql): PreferenceRow => ({
  userId: r.user_id, language: r.language, channels: r.channels, mutedKinds: r.muted_kinds, smsPhone: r.sms_phone,
  quietFromMin: r.quiet_from_min, quietUntilMin: r.quiet_until_min, timeZone: r.time_zone, updatedAt: new Date(r.updated_at),
});

export async function preferencesOf(db: Db, userIds: readonly string[]): Promise<Map<string, PreferenceRow>> {
  if (userIds.length === 0) return new Map();
  const rows = await sql<PrefSql>`select * from notice_preferences where user_id = any(${[...userIds]}::uuid[])`.execute(db);
  return new Map(rows.rows.map((r) => [r.user_id, toPref(r)]));
}

export async function savePreferences(db: Db, p: Omit<PreferenceRow, 'updatedAt'>, at: Date): Promise<PreferenceRow> {
  const row = await sql<PrefSql>`
    insert into notice_preferences (user_id, language, channels, muted_kinds, sms_phone, quiet_from_min, quiet_until_min, time_zone, updated_at)
    values (${p.userId}, ${p.language}, ${p.channels}::text[], ${p.mutedKinds}::text[], ${p.smsPhone}, ${p.quietFromMin}, ${p.quietUntilMin}, ${p.timeZone}, ${at})
    on conflict (user_id) do update set language = excluded.language, channels = excluded.channels, muted_kinds = excluded.muted_kinds,
      sms_phone = excluded.sms_phone, quiet_from_min = excluded.quiet_from_min, quiet_until_min = excluded.quiet_until_min,
      time_zone = excluded.time_zone, updated_at = excluded.updated_at
    returning *`.execute(db);
  return toPref(row.rows[0]!);
}

/** The phone of the household a resident account belongs to, if any. */
export async function householdPhoneOf(db: Db, userId: string): Promise<string | null> {
  const row = await sql<{ phone: string | null }>`select h.phone from users u join households h on h.id = u.household_id where u.id = ${userId}`.execute(db);
  return row.rows[0]?.phone ?? null;
}

export interface PushSubscriptionRow {
  id: string;
  userId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** A browser's subscription; the same endpoint again (re-subscribed, or another account on the device) replaces it. */
export async function savePushSubscription(db: Db, s: Omit<PushSubscriptionRow, 'id'>): Promise<string> {
  const row = await sql<{ id: string }>`
    insert into push_subscriptions (user_id, endpoint, p256dh, auth) values (${s.userId}, ${s.endpoint}, ${s.p256dh}, ${s.auth})
    on conflict (endpoint) do update set user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth, created_at = now()
    returning id`.execute(db);
  return row.rows[0]!.id;
}

export async function pushSubscriptionsOf(db: Db, userId: string): Promise<PushSubscriptionRow[]> {
  const rows = await sql<{ id: string; user_id: string; endpoint: string; p256dh: string; auth: string }>`
    select id, user_id, endpoint, p256dh, auth from push_subscriptions where user_id = ${userId} order by created_at`.execute(db);
  return rows.rows.map((r) => ({ id: r.id, userId: r.user_id, endpoint: r.endpoint, p256dh: r.p256dh, auth: r.auth }));
}

export async function deletePushSubscription(db: Db, id: string): Promise<void> {
  await sql`delete from push_subscriptions where id = ${id}`.execute(db);
}

/** The person's own subscription with one of these endpoints (another account's is never touched); how many went. */
export async function deleteOwnPushSubscription(db: Db, userId: string, endpoints: readonly string[]): Promise<number> {
  const r = await sql`delete from push_subscriptions where user_id = ${userId} and endpoint = any(${[...endpoints]}::text[])`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/** Of `userIds`, those with at least one push subscription. */
export async function usersWithPush(db: Db, userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await sql<{ user_id: string }>`select distinct user_id from push_subscriptions where user_id = any(${[...userIds]}::uuid[])`.execute(db);
  return new Set(rows.rows.map((r) => r.user_id));
}

// --- captured events -------------------------------------------------------------------------

export interface CapturedEvent {
  id: string;
  eventId: string;
  type: string;
  at: Date;
  data: unknown;
}

export type EventToCapture = { eventId: string; type: string; at: Date; batchId: string | null; data: unknown };

export async function captureEvents(db: Db, events: readonly EventToCapture[]): Promise<void> {
  if (events.length) await noticeEventsInsert(events).execute(db);
}

/** captureEvents' insert as a statement, to run alone or inside another (a data-modifying `with`). */
export function noticeEventsInsert(events: readonly EventToCapture[]): RawBuilder<unknown> {
  return sql`insert into notice_events (event_id, event_type, occurred_at, batch_id, data)
    select * from unnest(${events.map((e) => e.eventId)}::uuid[], ${events.map((e) => e.type)}::text[], ${events.map((e) => e.at)}::timestamptz[],
      ${events.map((e) => e.batchId)}::text[], ${events.map((e) => JSON.stringify(e.data))}::jsonb[])`;
}

/** The oldest events not yet expanded, locked for this transaction (others skip them). */
export async function takeEvents(trx: Db, limit: number): Promise<CapturedEvent[]> {
  const rows = await sql<{ id: string; event_id: string; event_type: string; occurred_at: Date; data: unknown }>`
    select id, event_id, event_type, occurred_at, data from notice_events where expanded_at is null order by id limit ${limit} for update skip locked`.execute(trx);
  return rows.rows.map((r) => ({ id: String(r.id), eventId: r.event_id, type: r.event_type, at: new Date(r.occurred_at), data: r.data }));
}

export async function markExpanded(trx: Db, ids: readonly string[], at: Date): Promise<void> {
  if (ids.length) await sql`update notice_events set expanded_at = ${at} where id = any(${[...ids]}::bigint[])`.execute(trx);
}

/** The latest stop a batch's van left (delivered or failed), as captured. */
/**
 * Where and when the van last left somewhere on a batch: its latest closed stop, or else its
 * departure from the depot (`stopId` null). A stop closed beats a departure reported late (a phone
 * that was offline at the depot), which would otherwise look like the latest.
 */
export async function lastLeave(db: Db, batchId: string): Promise<{ stopId: string | null; at: Date } | null> {
  const rows = await sql<{ event_type: string; data: { stopId?: string; at?: string }; occurred_at: Date }>`
    select event_type, data, occurred_at from notice_events where batch_id = ${batchId} and event_type in ('stop.delivered', 'stop.failed', 'trip.departed')
    order by event_type = 'trip.departed', occurred_at desc, id desc limit 1`.execute(db);
  const r = rows.rows[0];
  if (!r) return null;
  if (r.event_type === 'trip.departed') return { stopId: null, at: new Date(r.data.at ?? r.occurred_at) };
  return { stopId: r.data.stopId ?? null, at: new Date(r.occurred_at) };
}

/** Where a trip starts: its depot's position. */
export async function tripDepot(db: Db, roundId: string, tripId: string): Promise<{ lat: number; lon: number } | null> {
  const rows = await sql<{ lat: number; lon: number }>`
    select d.lat, d.lon from round_trips t join depots d on d.id = t.depot_id where t.round_id::text = ${roundId} and t.id = ${tripId}`.execute(db);
  const r = rows.rows[0];
  return r ? { lat: Number(r.lat), lon: Number(r.lon) } : null;
}

/** Drops expanded events older than `before`. */
export async function pruneEvents(db: Db, before: Date): Promise<number> {
  const r = await sql`delete from notice_events where expanded_at is not null and occurred_at < ${before}`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

// --- who receives ----------------------------------------------------------------------------

export interface Recipient {
  userId: string;
  /** Residents: their household's phone (the SMS default). */
  householdPhone: string | null;
}

const active = sql`u.disabled_at is null`;

export async function householdResidents(db: Db, householdIds: readonly string[]): Promise<(Recipient & { householdId: string })[]> {
  if (householdIds.length === 0) return [];
  const rows = await sql<{ id: string; household_id: string; phone: string | null }>`
    select u.id, u.household_id, h.phone from users u join households h on h.id = u.household_id
    where u.role = 'resident' and ${active} and u.household_id = any(${[...householdIds]}::uuid[])`.execute(db);
  return rows.rows.map((r) => ({ userId: r.id, householdId: r.household_id, householdPhone: r.phone }));
}

export async function corridorChiefs(db: Db, corridorIds: readonly string[]): Promise<(Recipient & { corridorId: string })[]> {
  if (corridorIds.length === 0) return [];
  const rows = await sql<{ id: string; corridor_id: string }>`
    select u.id, a.corridor_id::text as corridor_id from coordinator_assignments a join users u on u.id = a.user_id
    where u.role = 'coordinator' and ${active} and a.corridor_id = any(${[...corridorIds]}::uuid[])`.execute(db);
  return rows.rows.map((r) => ({ userId: r.id, corridorId: r.corridor_id, householdPhone: null }));
}

/** Community staff of the communities; `null`: every community's. */
export async function communityStaff(db: Db, communityIds: readonly string[] | null): Promise<Recipient[]> {
  const rows = await sql<{ id: string }>`
    select distinct u.id from community_staff_assignments a join users u on u.id = a.user_id
    where u.role = 'community_staff' and ${active} ${communityIds === null ? sql`` : sql`and a.community_id = any(${[...communityIds]}::uuid[])`}`.execute(db);
  return rows.rows.map((r) => ({ userId: r.id, householdPhone: null }));
}

export async function areaNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<{ id: string; name: string }>`select id::text as id, name from areas where id = any(${[...ids]}::uuid[])`.execute(db);
  return new Map(rows.rows.map((r) => [r.id, r.name]));
}

export async function depotName(db: Db, id: string): Promise<string | null> {
  const rows = await sql<{ name: string }>`select name from depots where id::text = ${id}`.execute(db);
  return rows.rows[0]?.name ?? null;
}

// --- notices ---------------------------------------------------------------------------------

export interface NewNotice {
  userId: string;
  kind: string;
  channel: string;
  dedupKey: string;
  language: string;
  emergency: boolean;
  params: Record<string, unknown>;
  status: 'pending' | 'suppressed';
  suppressedReason: string | null;
  notBefore: Date;
  sourceEventId: string;
}

/** Each person's notices per channel since `since`, not counting emergencies or suppressed ones (the rate limit). */
export async function recentCounts(db: Db, userIds: readonly string[], since: Date): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map();
  const rows = await sql<{ user_id: string; channel: string; n: string }>`
    select user_id, channel, count(*) as n from notices
    where user_id = any(${[...userIds]}::uuid[]) and created_at >= ${since} and not emergency and status <> 'suppressed'
    group by user_id, channel`.execute(db);
  return new Map(rows.rows.map((r) => [`${r.user_id}:${r.channel}`, Number(r.n)]));
}

/** Inserts what is not there yet (by person, channel and dedup key); returns the new pending ones' ids. */
export async function insertNotices(trx: Db, rows: readonly NewNotice[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const col = <T>(f: (r: NewNotice) => T) => rows.map(f);
  const result = await sql<{ id: string; status: string }>`
    insert into notices (user_id, kind, channel, dedup_key, language, emergency, params, status, suppressed_reason, not_before, source_event_id)
    select * from unnest(${col((r) => r.userId)}::uuid[], ${col((r) => r.kind)}::text[], ${col((r) => r.channel)}::text[], ${col((r) => r.dedupKey)}::text[],
      ${col((r) => r.language)}::text[], ${col((r) => r.emergency)}::boolean[], ${col((r) => JSON.stringify(r.params))}::jsonb[], ${col((r) => r.status)}::text[],
      ${col((r) => r.suppressedReason)}::text[], ${col((r) => r.notBefore)}::timestamptz[], ${col((r) => r.sourceEventId)}::uuid[])
    on conflict (user_id, channel, dedup_key) do nothing
    returning id, status`.execute(trx);
  return result.rows.filter((r) => r.status === 'pending').map((r) => String(r.id));
}

/**
 * Pending notices due by `now` not queued since `requeueBefore` (never queued, or a job lost with
 * Redis), marked queued now. The notices queue's job ids make a second add of a live job a no-op.
 */
export async function claimDue(db: Db, now: Date, requeueBefore: Date, limit: number): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    update notices set queued_at = ${now} where id in (
      select id from notices where status = 'pending' and not_before <= ${now} and (queued_at is null or queued_at < ${requeueBefore})
      order by not_before, id limit ${limit} for update skip locked)
    returning id`.execute(db);
  return rows.rows.map((r) => String(r.id));
}

export interface StoredNotice {
  id: string;
  userId: string;
  kind: string;
  channel: string;
  language: string;
  emergency: boolean;
  params: Record<string, unknown>;
  status: 'pending' | 'sent' | 'failed' | 'suppressed';
  attempts: number;
  dedupKey: string;
  notBefore: Date;
  sentAt: Date | null;
  lastError: string | null;
  suppressedReason: string | null;
}

type NoticeSql = { id: string; user_id: string; kind: string; channel: string; language: string; emergency: boolean; params: Record<string, unknown>; status: StoredNotice['status']; attempts: number; dedup_key: string; not_before: Date; sent_at: Date | null; last_error: string | null; suppressed_reason: string | null };
const toNotice = (r: NoticeSql): StoredNotice => ({
  id: String(r.id), userId: r.user_id, kind: r.kind, channel: r.channel, language: r.language, emergency: r.emergency, params: r.params,
  status: r.status, attempts: r.attempts, dedupKey: r.dedup_key, notBefore: new Date(r.not_before), sentAt: r.sent_at ? new Date(r.sent_at) : null,
  lastError: r.last_error, suppressedReason: r.suppressed_reason,
});

export async function findNotice(db: Db, id: string): Promise<StoredNotice | null> {
  if (!/^\d{1,18}$/.test(id)) return null;
  const rows = await sql<NoticeSql>`select * from notices where id = ${id}::bigint`.execute(db);
  return rows.rows[0] ? toNotice(rows.rows[0]) : null;
}

/** A person's notices, newest first (tests and support). */
export async function noticesOf(db: Db, userId: string, limit = 100): Promise<StoredNotice[]> {
  const rows = await sql<NoticeSql>`select * from notices where user_id = ${userId} order by id desc limit ${limit}`.execute(db);
  return rows.rows.map(toNotice);
}

/** Records one attempt's outcome; only a pending notice changes (a second run of a sent one does nothing). */
export async function recordAttempt(db: Db, id: string, outcome: { status: 'pending' | 'sent' | 'failed'; error: string | null; at: Date }): Promise<boolean> {
  const r = await sql`
    update notices set attempts = attempts + 1, status = ${outcome.status}, last_error = ${outcome.error},
      sent_at = case when ${outcome.status} = 'sent' then ${outcome.at}::timestamptz else sent_at end
    where id = ${id}::bigint and status = 'pending'`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

/** Moves a pending notice to a later time (quiet hours began meanwhile), to be claimed again then. */
export async function postpone(db: Db, id: string, notBefore: Date): Promise<void> {
  await sql`update notices set not_before = ${notBefore}, queued_at = null where id = ${id}::bigint and status = 'pending'`.execute(db);
}

export async function suppress(db: Db, id: string, reason: string): Promise<void> {
  await sql`update notices set status = 'suppressed', suppressed_reason = ${reason} where id = ${id}::bigint and status = 'pending'`.execute(db);
}

export async function pruneNotices(db: Db, before: Date): Promise<number> {
  const r = await sql`delete from notices where status <> 'pending' and created_at < ${before}`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}
