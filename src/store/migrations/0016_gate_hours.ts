/**
 * Receiving hours of a corridor gate (issue #14, item 5): the unit chief is at the gate from
 * `receiving_from_min` until `receiving_until_min`, minutes from midnight; null: any time (either
 * end open). Planning turns them into the stop's time window (domain/gate-hours.ts).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table areas
    add column receiving_from_min smallint check (receiving_from_min between 0 and 1440),
    add column receiving_until_min smallint check (receiving_until_min between 0 and 1440),
    add constraint areas_receiving_hours_order check (receiving_from_min is null or receiving_until_min is null or receiving_from_min < receiving_until_min),
    add constraint areas_receiving_hours_corridor check (kind = 'corridor' or (receiving_from_min is null and receiving_until_min is null))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table areas drop constraint areas_receiving_hours_corridor, drop constraint areas_receiving_hours_order,
    drop column receiving_until_min, drop column receiving_from_min`.execute(db);
}
