/**
 * The van leaving the depot on a trip (issue #19, item 2, migration 0031): read the trip as the
 * report needs it (its round's status, its driver, the gates it goes to, when it left if it did),
 * and store the departure once.
 */
import { sql } from 'kysely';
import type { Db } from './db';

export interface DepartureTrip {
  roundId: string;
  tripId: string;
  roundStatus: string;
  driverId: string | null;
  departedAt: Date | null;
  /** The corridors of the trip's stops, in route order (the gates waiting for it). */
  corridorIds: string[];
}

export async function departureTrip(db: Db, roundId: string, tripId: string): Promise<DepartureTrip | undefined> {
  const res = await sql<{ status: string; driver_id: string | null; departed_at: Date | null; corridor_ids: string[] | null }>`
    select r.status, t.driver_id, t.departed_at,
      (select array_agg(s.corridor_id::text order by s.seq) from round_stops s where s.round_id = t.round_id and s.trip_id = t.id) as corridor_ids
    from round_trips t join rounds r on r.id = t.round_id where t.round_id = ${roundId} and t.id = ${tripId}`.execute(db);
  const r = res.rows[0];
  return r && {
    roundId, tripId, roundStatus: r.status, driverId: r.driver_id, departedAt: r.departed_at && new Date(r.departed_at), corridorIds: [...new Set(r.corridor_ids ?? [])],
  };
}

/** Stores the departure unless one is stored already (a replayed report, or two at once): whether this one was. */
export async function recordDeparture(db: Db, roundId: string, tripId: string, at: Date, by: string): Promise<boolean> {
  const res = await sql`update round_trips set departed_at = ${at}, departed_by = ${by}
    where round_id = ${roundId} and id = ${tripId} and departed_at is null`.execute(db);
  return Number(res.numAffectedRows ?? 0) === 1;
}
