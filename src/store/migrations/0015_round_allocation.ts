/**
 * Allocation before routing (issue #14): a kit's components may name substitutes (canned vegetables
 * for fresh) or be optional; a round records what each claimed need was allocated (items, with what
 * was substituted or left out), why a need was left unserved (the items short and the depots tried),
 * the allocation's explanation per community and item, and the stock its allocation holds until the
 * plan is stored and reserved (so two rounds being planned at once don't count the same units).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table kit_lines add column substitutes text[] not null default '{}', add column optional boolean not null default false`.execute(db);
  await sql`alter table round_needs add column items jsonb`.execute(db);
  await sql`alter table round_unserved add column detail jsonb`.execute(db);
  await sql`alter table rounds add column allocation jsonb`.execute(db);
  await sql`create table round_stock_holds (
    round_id uuid not null references rounds(id) on delete cascade,
    item_code text not null references items(code),
    quantity integer not null check (quantity > 0),
    primary key (round_id, item_code)
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table round_stock_holds`.execute(db);
  await sql`alter table rounds drop column allocation`.execute(db);
  await sql`alter table round_unserved drop column detail`.execute(db);
  await sql`alter table round_needs drop column items`.execute(db);
  await sql`alter table kit_lines drop column substitutes, drop column optional`.execute(db);
}
