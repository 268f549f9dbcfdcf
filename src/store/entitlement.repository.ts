/**
 * Food entitlements, written set-based: one INSERT ... SELECT from households creates a cycle's
 * food_package needs for a whole community, with their status history and audit rows, however many
 * households it has (one round trip, one commit, atomic without a transaction).
 */
import { sql } from 'kysely';
import type { Db } from './db';

type Executor = Db;

export interface EntitlementBatch {
  communityId: string;
  /** Cycle id: stored in needs.cycle, as the identity key and in details.cycle. */
  cycle: string;
  /** Priority per household: priorityByHousehold[(members - 1) * 8 + elderlyAlone + 2 cannotCook + 4 chronicIllness]. */
  priorityByHousehold: readonly number[];
  actor: string;
  /** Correlates the audit rows with what wrote them (a job id); null when none. */
  requestId: string | null;
  at: Date;
}

/**
 * Inserts, as accepted needs, the cycle's food package of every household of the community (one
 * each: its details name the cycle and nothing else; the kit variant for the household's size is
 * picked when it is expanded) that holds no food_package need of that cycle yet, IN ANY STATUS:
 * open (its own submission, or an earlier run's), delivered or failed (this cycle's package already went out; a failed door is for
 * staff to retry, not for a timer), or cancelled (someone decided this household gets none this
 * cycle: that decision stands). That is the only reason to skip a household: the households table has
 * no flag that takes one out of the entitlement (infection status changes the hand-over, not what is
 * owed; cannot_cook raises the priority, as intake does).
 *
 * A concurrent run for the same cycle is kept out by the partial unique index on open identical
 * needs (identity key = cycle): whichever commits second inserts nothing for those households.
 * No outbox event is written: `need.accepted` only records that a need waits for its next round,
 * and the caller opens that round right away; the reconciler owns whatever is left accepted.
 * The history's submitted > accepted row is one live need.status_changed event per need (the
 * statement trigger on need_status_history notes them in one go); the first `submitted` row is not.
 *
 * Returns the number of needs created.
 */
export async function insertFoodEntitlements(db: Executor, b: EntitlementBatch): Promise<number> {
  const at = b.at.toISOString();
  const result = await sql<{ created: string }>`
    with due as (
      select gen_random_uuid() as id, h.id as household_id, h.corridor_id, h.community_id,
        (${JSON.stringify(b.priorityByHousehold)}::jsonb ->> ((h.members - 1) * 8
          + h.elderly_alone::int + 2 * h.cannot_cook::int + 4 * h.chronic_illness::int))::int as priority
      from households h
      where h.community_id = ${b.communityId}
        and not exists (
          select 1 from needs n where n.kind = 'food_package' and n.cycle = ${b.cycle} and n.household_id = h.id
        )
    ),
    n as (
      insert into needs (id, household_id, corridor_id, community_id, kind, identity_key, details, status, urgency, priority, cycle, created_by, created_at, updated_at)
      select id, household_id, corridor_id, community_id, 'food_package', ${b.cycle},
        jsonb_build_object('cycle', ${b.cycle}::text), 'accepted', 'routine', priority, ${b.cycle},
        ${b.actor}, ${at}::timestamptz, ${at}::timestamptz
      from due order by household_id
      on conflict (household_id, kind, identity_key) where status in ('submitted', 'accepted', 'planned', 'out_for_delivery') do nothing
      returning id
    ),
    h as (
      insert into need_status_history (need_id, from_status, to_status, actor, at)
      select n.id, v.f, v.t, ${b.actor}, ${at}::timestamptz from n
      cross join (values (1, null::text, 'submitted'), (2, 'submitted', 'accepted')) as v(step, f, t)
      order by n.id, v.step
    ),
    a as (
      insert into audit_log (actor_id, actor_role, action, subject_type, subject_id, outcome, request_id)
      select ${b.actor}, null, 'need.create', 'need', n.id::text, 'allowed', ${b.requestId}::text from n order by n.id
    )
    select count(*)::text as created from n`.execute(db);
  return Number(result.rows[0]?.created ?? 0);
}
