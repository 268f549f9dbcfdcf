/**
 * Accounts, revocable sessions and the audit log.
 *
 * Assignments reuse the core tables where they exist: a coordinator's corridors are rows of
 * `coordinator_assignments`, a driver account is the `drivers.user_id` of its driver record.
 * Community staff and residents get theirs here. Sessions store only the SHA-256 of the token.
 * The audit log refuses UPDATE, DELETE and TRUNCATE at the database, whoever connects.
 */
import { sql, type Kysely } from 'kysely';

const ROLES = `('resident','coordinator','community_staff','dispatcher','driver','admin')`;

const up_statements = [
  `create table users (
    id uuid primary key default gen_random_uuid(),
    username text not null check (length(username) between 1 and 64),
    password_hash text not null,
    role text not null check (role in ${ROLES}),
    household_id uuid references households(id),
    disabled_at timestamptz,
    created_at timestamptz not null default now(),
    check (household_id is null or role = 'resident')
  )`,
  // Usernames are matched case-insensitively: "Li.Wei" and "li.wei" are one account.
  `create unique index users_username_uq on users (lower(username))`,
  `create index users_household_idx on users (household_id) where household_id is not null`,
  `create table community_staff_assignments (
    user_id uuid not null references users(id),
    community_id uuid not null references areas(id),
    assigned_at timestamptz not null default now(),
    primary key (user_id, community_id)
  )`,
  `create table sessions (
    id uuid primary key default gen_random_uuid(),
    user_id uuid not null references users(id),
    token_hash text not null,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    revoked_at timestamptz
  )`,
  `create unique index sessions_token_hash_uq on sessions (token_hash)`,
  `create index sessions_user_live_idx on sessions (user_id) where revoked_at is null`,
  `create table audit_log (
    id bigint generated always as identity primary key,
    at timestamptz not null default now(),
    actor_id text,
    actor_role text,
    action text not null,
    subject_type text not null,
    subject_id text,
    outcome text not null check (outcome in ('allowed','denied')),
    request_id text
  )`,
  `create index audit_log_subject_idx on audit_log (subject_type, subject_id, id)`,
  `create index audit_log_actor_idx on audit_log (actor_id, id)`,
  `create function refuse_audit_change() returns trigger language plpgsql as $$
   begin raise exception 'audit_log is append-only'; end $$`,
  `create trigger audit_log_no_update before update or delete on audit_log
   for each row execute function refuse_audit_change()`,
  `create trigger audit_log_no_truncate before truncate on audit_log
   for each statement execute function refuse_audit_change()`,
];

const down_statements = [
  'drop table audit_log',
  'drop function refuse_audit_change',
  'drop table sessions',
  'drop table community_staff_assignments',
  'drop table users',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of down_statements) await sql.raw(statement).execute(db);
}
