/**
 * Medicine bags are packed per household and are not depot stock (no item, no stock ledger). When a
 * packed need is cancelled, its medicine is to come out of the bag and back to the depot: one
 * append-only row per need records that (which bag, why, who, when), and the order's bag list shows it.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table medicine_bag_returns (
    need_id uuid primary key references medicine_bag_needs(need_id),
    bag_id text not null references medicine_bags(id),
    reason text not null,
    actor text not null,
    at timestamptz not null
  )`.execute(db);
  await sql`create function refuse_medicine_bag_return_change() returns trigger language plpgsql as $$
    begin raise exception 'medicine_bag_returns is append-only'; end $$`.execute(db);
  await sql`create trigger medicine_bag_returns_append_only before update or delete on medicine_bag_returns
    for each row execute function refuse_medicine_bag_return_change()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table medicine_bag_returns`.execute(db);
  await sql`drop function refuse_medicine_bag_return_change`.execute(db);
}
