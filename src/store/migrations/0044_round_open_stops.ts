/**
 * A round's open stops (pending, loaded), found by index. Each stop report and handover settles its
 * stop and asks first whether its round has a stop left open (its last stop completes the round);
 * that was a count of every stop of the round: 242 buffers and 2.9 ms a call, 6,795 calls over the
 * full-scale district day (issue #21). The partial index holds open stops only, so the question is
 * one probe, and the index shrinks as the round is driven.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index round_stops_open_idx on round_stops (round_id) where status in ('pending', 'loaded')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index round_stops_open_idx`.execute(db);
}
