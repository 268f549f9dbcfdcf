/**
 * The gate's per-door check-off (issue #17, item 6): the unit chief ticks each household's bags as
 * handed over, or failed with a reason, on their phone (offline too: the phone replays them on
 * reconnect, so one row per stop and household, written again with the same outcome as a no-op).
 * Photos of a failed door or of a handoff are stored by a storage backend under their id; the row
 * holds what the API checks and serves them with (stop, type, size, digest), never the bytes.
 */
import { sql, type Kysely } from 'kysely';

const up_statements = [
  `create table gate_checkoffs (
    stop_id bigint not null references round_stops(id) on delete cascade,
    household_id uuid not null references households(id),
    outcome text not null check (outcome in ('handed_over', 'failed')),
    reason text,
    checked_at timestamptz not null,
    recorded_at timestamptz not null default now(),
    actor_id text not null,
    primary key (stop_id, household_id),
    check ((outcome = 'failed') = (reason is not null))
  )`,
  `create table gate_photos (
    id uuid primary key default gen_random_uuid(),
    stop_id bigint not null references round_stops(id) on delete cascade,
    household_id uuid references households(id),
    content_type text not null,
    bytes integer not null check (bytes > 0),
    sha256 text not null,
    actor_id text not null,
    created_at timestamptz not null default now()
  )`,
  `create index gate_photos_stop_idx on gate_photos (stop_id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table gate_photos`.execute(db);
  await sql`drop table gate_checkoffs`.execute(db);
}
