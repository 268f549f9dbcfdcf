/**
 * Account hygiene (issue #22): a password an admin set (a new account's, a reset) is a one-time
 * password its owner must replace at first login; each session records when it was last used
 * (what an admin sees in the account's session list) and which kind of client opened it (`web`:
 * the HttpOnly cookie of the web app, `api`: a bearer token).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users add column must_change_password boolean not null default false`.execute(db);
  await sql`alter table sessions add column last_used_at timestamptz`.execute(db);
  // Older sessions: their opening is the last use known for sure (the expiry slid with later use, by a TTL that may have changed since).
  await sql`update sessions set last_used_at = created_at`.execute(db);
  await sql`alter table sessions alter column last_used_at set not null`.execute(db);
  await sql`alter table sessions add column client text not null default 'api' check (client in ('api', 'web'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table sessions drop column client`.execute(db);
  await sql`alter table sessions drop column last_used_at`.execute(db);
  await sql`alter table users drop column must_change_password`.execute(db);
}
