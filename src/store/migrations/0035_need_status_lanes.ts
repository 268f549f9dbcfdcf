/**
 * Two lanes for live need statuses (issue #21): a change waiting in need_status_live is `bulk` when
 * its transaction said so (`select set_config('cordon.lane', 'bulk', true)`, store/need-status-live
 * .repository.ts `markBulkLane`: a cycle's entitlements, a round's plan, dispatch or failure, a CSV
 * import), otherwise interactive. The relay takes interactive changes first, so one resident's or
 * driver's change no longer waits behind a cycle's 137,000 (4.2 s behind 6,850 at --scale 0.05).
 *
 * The lane is the column's default, read when the trigger of migrations 0009/0014 notes the change:
 * the trigger itself, and its NOTIFY rule, stay as they are. The setting is transaction-local, so a
 * pooled connection's next transaction is interactive again. The index serves the relay's pick,
 * oldest first within a lane.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table need_status_live
    add column bulk boolean not null default (current_setting('cordon.lane', true) is not distinct from 'bulk')`.execute(db);
  await sql`create index need_status_live_lane_idx on need_status_live (bulk, history_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index need_status_live_lane_idx`.execute(db);
  await sql`alter table need_status_live drop column bulk`.execute(db);
}
