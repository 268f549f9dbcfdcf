/**
 * The risk map (issue #15, item 4). Which control statuses and risk levels a district uses is
 * configuration (CONTROL_STATUSES, RISK_LEVELS), checked by the service against the configured
 * codes, so the fixed checks of 0001 go. Each change is kept in `area_risk_changes` (who, when,
 * from, to, why), appended in the change's transaction and never updated or deleted.
 */
import { sql, type Kysely } from 'kysely';

const up_statements = [
  `alter table areas drop constraint if exists areas_control_status_check, drop constraint if exists areas_risk_colour_check`,
  `create table area_risk_changes (
    id uuid primary key default gen_random_uuid(),
    area_id uuid not null references areas(id),
    changed_at timestamptz not null default now(),
    actor_id uuid references users(id),
    actor_role text,
    from_control_status text not null,
    to_control_status text not null,
    from_risk_colour text not null,
    to_risk_colour text not null,
    reason text not null check (char_length(reason) between 1 and 500),
    request_id text
  )`,
  `create index area_risk_changes_area_idx on area_risk_changes (area_id, changed_at desc, id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const s of up_statements) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table area_risk_changes`.execute(db);
  // Codes outside the old fixed sets cannot stay under the old checks: back to the defaults.
  await sql`update areas set control_status = 'controlled' where control_status not in ('sealed','controlled','precaution')`.execute(db);
  await sql`update areas set risk_colour = 'yellow' where risk_colour not in ('green','yellow','orange','red')`.execute(db);
  await sql`alter table areas add constraint areas_control_status_check check (control_status in ('sealed','controlled','precaution')), add constraint areas_risk_colour_check check (risk_colour in ('green','yellow','orange','red'))`.execute(db);
}
