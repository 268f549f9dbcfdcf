/**
 * Notices (issue #19, items 2 and 3). `notice_preferences`: per account, the language, the channels,
 * the kinds muted, an SMS number (residents default to their household's phone), quiet hours and
 * time zone; no row means the configured defaults. `push_subscriptions`: the browsers' PushSubscription
 * (endpoint and keys) per account. `notice_events`: the live events that may notify someone, captured
 * by the live publisher in the transaction that stores them (like webhook_deliveries), expanded once
 * by the workers (expanded_at). `notices`: one row per person, channel and message subject; the
 * unique dedup key holds back the same message twice (an ETA window after a re-plan), and the row
 * is the durable queue and log of its delivery. Rows carry placeholder values only (no phone number:
 * it is read at send time, so a changed number is used and nothing personal stays in the log).
 */
import { sql, type Kysely } from 'kysely';

const up_statements = [
  `create table notice_preferences (
    user_id uuid primary key references users(id) on delete cascade,
    language text not null check (language in ('en', 'zh-CN')),
    channels text[] not null check (channels <@ array['sms', 'webpush', 'inapp']),
    muted_kinds text[] not null default '{}',
    sms_phone text check (sms_phone is null or length(sms_phone) between 5 and 24),
    quiet_from_min smallint check (quiet_from_min between 0 and 1439),
    quiet_until_min smallint check (quiet_until_min between 0 and 1439),
    time_zone text not null,
    updated_at timestamptz not null default now(),
    check ((quiet_from_min is null) = (quiet_until_min is null))
  )`,
  `create table push_subscriptions (
    id uuid primary key default gen_random_uuid(),
    user_id uuid not null references users(id) on delete cascade,
    endpoint text not null check (char_length(endpoint) between 1 and 2000),
    p256dh text not null,
    auth text not null,
    created_at timestamptz not null default now(),
    last_ok_at timestamptz
  )`,
  `create unique index push_subscriptions_endpoint_uq on push_subscriptions (endpoint)`,
  `create index push_subscriptions_user_idx on push_subscriptions (user_id)`,
  `create table notice_events (
    id bigserial primary key,
    event_id uuid not null,
    event_type text not null,
    occurred_at timestamptz not null,
    batch_id text,
    data jsonb not null,
    expanded_at timestamptz,
    created_at timestamptz not null default now()
  )`,
  `create index notice_events_pending_idx on notice_events (id) where expanded_at is null`,
  // The last time a van left a stop of a batch: a re-plan recomputes the next ETA from it.
  `create index notice_events_leave_idx on notice_events (batch_id, occurred_at desc) where event_type in ('stop.delivered', 'stop.failed')`,
  `create table notices (
    id bigserial primary key,
    user_id uuid not null references users(id) on delete cascade,
    kind text not null,
    channel text not null check (channel in ('sms', 'webpush')),
    dedup_key text not null,
    language text not null,
    emergency boolean not null,
    params jsonb not null,
    status text not null default 'pending' check (status in ('pending', 'sent', 'failed', 'suppressed')),
    suppressed_reason text,
    not_before timestamptz not null default now(),
    queued_at timestamptz,
    attempts int not null default 0,
    last_error text,
    sent_at timestamptz,
    source_event_id uuid,
    created_at timestamptz not null default now()
  )`,
  `create unique index notices_dedup_uq on notices (user_id, channel, dedup_key)`,
  `create index notices_due_idx on notices (not_before, id) where status = 'pending'`,
  // The rate limit counts a person's recent notices per channel.
  `create index notices_recent_idx on notices (user_id, channel, created_at)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const s of up_statements) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['notices', 'notice_events', 'push_subscriptions', 'notice_preferences']) await sql.raw(`drop table ${t}`).execute(db);
}
