/**
 * The needs a shortfall weighs against depot stock: those a round claimed, or those of an area
 * (and every area below it) waiting for the next round. Only the kinds asked for are read, so
 * medicine details never leave the database here.
 */
import { sql } from 'kysely';
import type { NeedKind, Urgency } from '../domain/kinds';
import type { Db } from './db';

export interface ShortfallNeed {
  id: string;
  kind: NeedKind;
  urgency: Urgency;
  communityId: string;
  details: Record<string, unknown>;
  members: number;
  /** The household's flags (a vulnerable household's stock comes before the rest's). */
  elderlyAlone: boolean;
  cannotCook: boolean;
  chronicIllness: boolean;
}

type Row = { id: string; kind: NeedKind; urgency: Urgency; community_id: string; details: Record<string, unknown>; members: number; elderly_alone: boolean; cannot_cook: boolean; chronic_illness: boolean };
const toNeed = (r: Row): ShortfallNeed => ({
  id: r.id, kind: r.kind, urgency: r.urgency, communityId: r.community_id, details: r.details, members: r.members,
  elderlyAlone: r.elderly_alone, cannotCook: r.cannot_cook, chronicIllness: r.chronic_illness,
});

/** Whether the round exists. */
export async function roundExists(db: Db, roundId: string): Promise<boolean> {
  const round = await sql<{ id: string }>`select id from rounds where id = ${roundId}`.execute(db);
  return round.rows.length > 0;
}

/** Whether the area exists. */
export async function areaExists(db: Db, areaId: string): Promise<boolean> {
  const area = await sql<{ id: string }>`select id from areas where id = ${areaId}`.execute(db);
  return area.rows.length > 0;
}

/** The round's claimed needs of `kinds`, with their household's size, by need id. */
export async function roundNeedsOfKinds(db: Db, roundId: string, kinds: readonly NeedKind[]): Promise<ShortfallNeed[]> {
  const needs = await sql<Row>`
    select n.id, n.kind, n.urgency, n.community_id, n.details, h.members, h.elderly_alone, h.cannot_cook, h.chronic_illness
    from round_needs rn join needs n on n.id = rn.need_id join households h on h.id = n.household_id
    where rn.round_id = ${roundId} and n.kind in ${kindList(kinds)} order by n.id`.execute(db);
  return needs.rows.map(toNeed);
}

/**
 * Accepted needs of `kinds` in the area or any area below it (by community or corridor) that no
 * round still to run (draft to approved) has claimed, with their household's size, by need id.
 */
export async function unclaimedAreaNeedsOfKinds(db: Db, areaId: string, kinds: readonly NeedKind[]): Promise<ShortfallNeed[]> {
  const needs = await sql<Row>`
    with recursive sub as (select id from areas where id = ${areaId} union all select a.id from areas a join sub on a.parent_id = sub.id)
    select n.id, n.kind, n.urgency, n.community_id, n.details, h.members, h.elderly_alone, h.cannot_cook, h.chronic_illness
    from needs n join households h on h.id = n.household_id
    where n.status = 'accepted' and n.kind in ${kindList(kinds)}
      and (n.community_id in (select id from sub) or n.corridor_id in (select id from sub))
      and not exists (select 1 from round_needs rn join rounds r on r.id = rn.round_id where rn.need_id = n.id and r.status in ('draft','planning','proposed','approved'))
    order by n.id`.execute(db);
  return needs.rows.map(toNeed);
}

const kindList = (kinds: readonly NeedKind[]) => sql`(${sql.join(kinds)})`;
