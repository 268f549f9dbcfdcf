/**
 * Entitlement sizes, once (issue #14, item 8): a food package is one per household per cycle, its
 * contents the kit variant for the household's size. Intake and entitlement generation used to
 * store `details.packages` (1 per 3 people) and stock multiplied the size-picked variant by it (a
 * 5-person household got 2 x 15 kg of rice). Nothing reads the field any more; it is stripped from
 * the needs still waiting for a round (submitted, accepted), so what they show is what they get.
 * Needs already on a plan keep it (their stock was reserved under the old rule and goes out so);
 * delivered, failed and cancelled ones keep it as the record of what was asked then.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`update needs set details = details - 'packages'
    where kind = 'food_package' and status in ('submitted', 'accepted') and details ? 'packages'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // The old rule's count, for code that still expects it: one package per three people.
  await sql`update needs n set details = n.details || jsonb_build_object('packages', greatest(1, ceil(h.members / 3.0))::int)
    from households h
    where h.id = n.household_id and n.kind = 'food_package' and n.status in ('submitted', 'accepted') and not n.details ? 'packages'`.execute(db);
}
