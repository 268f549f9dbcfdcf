/**
 * Outbound webhooks (issue #19, item 1). `webhook_endpoints` are the receivers admins register;
 * `webhook_deliveries` is both the durable queue and the delivery log: one row per (endpoint, live
 * event), written by the live publisher in the transaction that stores the event, with the exact
 * body that is signed and sent (text, not jsonb: jsonb would reorder its keys). A row is `pending`
 * until a 2xx answer makes it `delivered`; the oldest pending row of an endpoint is its head, and
 * nothing behind a head is sent before it (in order per endpoint).
 */
import { sql, type Kysely } from 'kysely';

const up_statements = [
  `create table webhook_endpoints (
    id uuid primary key default gen_random_uuid(),
    url text not null check (char_length(url) between 1 and 2000),
    events text[] not null check (cardinality(events) >= 1),
    secret text not null,
    description text check (char_length(description) <= 200),
    enabled boolean not null default true,
    consecutive_failures int not null default 0,
    disabled_at timestamptz,
    disabled_reason text,
    created_by uuid references users(id),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create table webhook_deliveries (
    id bigserial primary key,
    endpoint_id uuid not null references webhook_endpoints(id) on delete cascade,
    event_id uuid not null,
    event_type text not null,
    body text not null,
    occurred_at timestamptz not null,
    status text not null default 'pending' check (status in ('pending', 'delivered')),
    attempts int not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_attempt_at timestamptz,
    last_status_code int,
    last_latency_ms int,
    last_error text,
    delivered_at timestamptz,
    redelivery_of bigint,
    created_at timestamptz not null default now()
  )`,
  // The heads: each endpoint's oldest pending row, found by the dispatcher every poll.
  `create index webhook_deliveries_pending_idx on webhook_deliveries (endpoint_id, id) where status = 'pending'`,
  // The delivery log, newest first, per endpoint.
  `create index webhook_deliveries_log_idx on webhook_deliveries (endpoint_id, id desc)`,
  // Pruning delivered rows by age.
  `create index webhook_deliveries_delivered_idx on webhook_deliveries (delivered_at) where status = 'delivered'`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const s of up_statements) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table webhook_deliveries`.execute(db);
  await sql`drop table webhook_endpoints`.execute(db);
}
