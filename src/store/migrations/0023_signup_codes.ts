/**
 * Resident sign-up codes (issue #15, item 5): a unit chief asks for a code for a household and
 * gives it to the resident, who signs up with phone, code and a password. Only the SHA-256 of a
 * code is stored (a copy of this table lets nobody sign up); a code is single-use (used_at, and
 * the account it made), short-lived (expires_at), and a new one for the household retires the
 * one before (superseded_at). Rows are kept, never deleted: who issued which, and what came of it.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table signup_codes (
    id uuid primary key default gen_random_uuid(),
    household_id uuid not null references households(id),
    code_hash text not null,
    issued_by uuid not null references users(id),
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    superseded_at timestamptz,
    used_at timestamptz,
    used_by uuid references users(id)
  )`.execute(db);
  await sql`create unique index signup_codes_hash_uq on signup_codes (code_hash)`.execute(db);
  await sql`create index signup_codes_household_open_idx on signup_codes (household_id) where used_at is null and superseded_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table signup_codes`.execute(db);
}
