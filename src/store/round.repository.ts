/**
 * Rounds, their sub-problems and the needs they claim. Plain objects in, plain objects out;
 * every write is safe to repeat (a retried job or a double click changes nothing the second time).
 */
import { sql, type Selectable } from 'kysely';
import type { NeedKind } from '../domain/need-kinds';
import { canTransition, type NeedStatus } from '../domain/need-status';
import { canRoundTransition, NEED_KINDS_OF_ROUND, NEED_KINDS_SHARING_FLEET, OPEN_ROUND_STATUSES, PLANNING_ROUND_STATUSES, type RoundKind, type RoundStatus } from '../domain/round';

import type { Db } from './db';
import { lockForTransaction } from './advisory-lock';
import { ALLOCATION_COLUMNS, type AllocationRow } from './round-allocation.repository';
import { loadDemandGroups, type NeedDemandGroup } from './round-inputs.repository';
import type { RoundSubproblemsTable, RoundsTable } from './tables/rounds';


export type { RoundKind, RoundStatus };

export type RoundRow = Selectable<RoundsTable>;
export type SubproblemRow = Selectable<RoundSubproblemsTable>;

/** A round without its large documents (the allocation's explanation, the roster, the merge note). */
export type RoundHead = Omit<RoundRow, 'allocation' | 'roster' | 'merge_note'>;
const HEAD = ['id', 'area_id', 'kind', 'status', 'progress', 'time_limit_ms', 'seed', 'generation', 'failure_reason', 'created_by', 'approved_by', 'created_at', 'updated_at'] as const satisfies readonly (keyof RoundHead)[];


export interface NewRound {
  areaId: string;
  kind: RoundKind;
  timeLimitMs: number;
  seed: number;
  createdBy: string;
}

/** Creates the open round of an area and kind, or returns the one that already exists (without its documents). */
export async function createOrGetOpenRound(db: Db, input: NewRound): Promise<{ round: RoundHead; created: boolean }> {
  const inserted = await db
    .insertInto('rounds')
    .values({
      area_id: input.areaId, kind: input.kind, status: 'draft', time_limit_ms: input.timeLimitMs,
      seed: input.seed, failure_reason: null, created_by: input.createdBy, approved_by: null,
    })
    // The partial unique index decides under concurrency; the loser reads the winner's row.
    .onConflict((oc) => oc.columns(['area_id', 'kind']).where('status', 'in', OPEN_ROUND_STATUSES).doNothing())
    .returning(HEAD)
    .executeTakeFirst();
  if (inserted) return { round: inserted, created: true };
  const existing = await db
    .selectFrom('rounds').select(HEAD)
    .where('area_id', '=', input.areaId).where('kind', '=', input.kind).where('status', 'in', OPEN_ROUND_STATUSES)
    .executeTakeFirst();
  if (!existing) throw new Error('open round vanished between insert and read'); // closed in between: caller retries
  return { round: existing, created: false };
}

/** The whole round, its documents included (the allocation's explanation for its stock lines). */
export async function getRound(db: Db, id: string): Promise<RoundRow | undefined> {
  return db.selectFrom('rounds').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The round without its documents, for every read that wants its status, kind or progress: each
 * sub-problem's solve and progress event, the dispatcher's view, the reconciler's sweep. A district's
 * round row is ~29 KB (allocation and roster, toasted; 230 KB as JSON): 585 whole reads in its food
 * round cost 5.35 ms each of PostgreSQL's time, and a JSON parse each in Node (issue #21).
 */
export async function getRoundHead(db: Db, id: string): Promise<RoundHead | undefined> {
  return db.selectFrom('rounds').select(HEAD).where('id', '=', id).executeTakeFirst();
}

/** Moves a round only from one of `from`; returns false when it was elsewhere (someone else moved it). */
export async function moveRound(db: Db, id: string, from: readonly RoundStatus[], to: RoundStatus, patch: { failureReason?: string; approvedBy?: string; progress?: number } = {}): Promise<boolean> {
  // A move the status machine does not allow is a bug in the caller, not a state of the round.
  for (const f of from) if (!canRoundTransition(f, to)) throw new Error(`round status machine: ${f} > ${to} is not a transition`);
  const res = await db
    .updateTable('rounds')
    .set({
      status: to, updated_at: new Date(),
      ...(patch.failureReason !== undefined ? { failure_reason: patch.failureReason } : {}),
      ...(patch.approvedBy !== undefined ? { approved_by: patch.approvedBy } : {}),
      ...(patch.progress !== undefined ? { progress: patch.progress } : {}),
    })
    .where('id', '=', id).where('status', 'in', from)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Locks a round's row `for update` (the same lock merge, re-plan and dispatch take first) and returns its status. */
export async function lockRound(db: Db, roundId: string): Promise<RoundStatus | undefined> {
  const row = await db.selectFrom('rounds').select('status').where('id', '=', roundId).forUpdate().executeTakeFirst();
  return row?.status;
}

/** The round's row, locked `for update` until the transaction ends (the lock merge, re-plan and dispatch take first). */
export async function lockRoundRow(trx: Db, id: string): Promise<RoundRow | undefined> {
  return trx.selectFrom('rounds').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/**
 * The round's row locked as lockRoundRow does, or undefined at once when another transaction holds
 * it: a district's preparation holds it for minutes, and whoever else comes to prepare the same
 * draft (the reconciler every RECONCILE_EVERY_MS, a repeated start) would otherwise wait all along,
 * each holding a pooled connection.
 */
export async function lockRoundRowUnlessBusy(trx: Db, id: string): Promise<RoundRow | undefined> {
  return trx.selectFrom('rounds').selectAll().where('id', '=', id).forUpdate().skipLocked().executeTakeFirst();
}

/**
 * Takes the transaction-scoped advisory lock that prepares rounds one at a time (a fraction of a
 * second each): two rounds prepared at once would otherwise both see the same vehicles free.
 */
export async function lockRoundPreparation(trx: Db): Promise<void> {
  await lockForTransaction(trx, 'cordon.prepare-round');
}

/** Sets a round planning from 0 %, as plan generation `generation` when given (a re-plan); the caller checked the move. */
export async function setRoundPlanning(trx: Db, id: string, generation?: number): Promise<void> {
  await trx.updateTable('rounds').set({ status: 'planning', progress: 0, ...(generation !== undefined ? { generation } : {}), updated_at: new Date() }).where('id', '=', id).execute();
}

/** Sets a round's status; the caller holds its row lock and checked the move. */
export async function setRoundStatus(trx: Db, id: string, status: RoundStatus): Promise<void> {
  await trx.updateTable('rounds').set({ status, updated_at: new Date() }).where('id', '=', id).execute();
}

/**
 * A planning round's progress from its sub-problems: 95% of the share of its current generation's
 * sub-problems solved (the merge itself is quick), counted and set in one statement (each solve
 * ends with it: it was two, each a turn of the planning process's lowered priority). Never backwards:
 * progress messages of retried children can arrive late.
 */
export async function setRoundProgressFromSubproblems(db: Db, id: string, at: Date): Promise<void> {
  await sql`update rounds r set progress = p.percent, updated_at = ${at}
    from (select round(95.0 * count(*) filter (where s.solved_at is not null) / greatest(1, count(*)))::int as percent
      from round_subproblems s where s.round_id = ${id} and s.generation = (select generation from rounds where id = ${id})) p
    where r.id = ${id} and r.status = 'planning' and r.progress < p.percent`.execute(db);
}

/** Records how set partitioning went at the merge (in the transaction that stores the plan). */
export async function setRoundMergeNote(db: Db, id: string, note: unknown): Promise<void> {
  await db.updateTable('rounds').set({ merge_note: JSON.stringify(note) }).where('id', '=', id).execute();
}

/** The rounds in `statuses`, oldest first, without their documents (the reconciler's sweep). */
export async function roundsIn(db: Db, statuses: readonly RoundStatus[]): Promise<RoundHead[]> {
  return db.selectFrom('rounds').select(HEAD).where('status', 'in', statuses).orderBy('created_at').execute();
}

/** A need a round claims, with what its allocation reads (ALLOCATION_COLUMNS). */
export interface ClaimableNeed extends AllocationRow {
  corridor_id: string;
}

/**
 * Locks the accepted needs of an area (and of every area below it) that no round being planned
 * owns yet. Runs inside the round's creating transaction; `skip locked` lets overlapping rounds split them.
 */
export async function lockClaimableNeeds(trx: Db, areaId: string, kind: RoundKind): Promise<ClaimableNeed[]> {
  const res = await sql<ClaimableNeed>`${claimable(areaId, NEED_KINDS_OF_ROUND[kind])} for update of n skip locked`.execute(trx);
  return res.rows;
}

/** How many needs a round of this area and kind would claim now (scheduled rounds skip empty ones). */
export async function countClaimableNeeds(db: Db, areaId: string, kind: RoundKind): Promise<number> {
  const res = await sql<{ n: string }>`select count(*) as n from (${claimable(areaId, NEED_KINDS_OF_ROUND[kind])}) c`.execute(db);
  return Number(res.rows[0]?.n ?? 0);
}

/**
 * The demand of the needs the rounds drawing on the same vans as a round of this kind would claim in
 * the district of `areaId` (food and medicine alike), but for `ownIds` (the round's own): what the
 * rounds still to be prepared beside it will ask vehicles for (issue #21). Summed in the database,
 * in groups of needs alike: at full scale that is 137,000 needs, which were read one by one for
 * every round prepared. Read without locks: rounds are prepared under the preparation lock.
 */
export async function claimableDemandOfDistrict(db: Db, areaId: string, kind: RoundKind, ownIds: readonly string[]): Promise<NeedDemandGroup[]> {
  // An anti-join, not `<> all(...)`: a district-wide round's own needs are the whole district.
  return loadDemandGroups(db, sql`select c.id from (${claimable(await districtOf(db, areaId), NEED_KINDS_SHARING_FLEET[kind])}) c
    where not exists (select 1 from unnest(${[...ownIds]}::uuid[]) o(id) where o.id = c.id)`);
}

/**
 * Households of the district of `areaId`, outside `areaId`, that hold no food package of the cycle
 * of the food packages among `needIds` yet, counted by size: the entitlements the schedule will
 * create for the communities whose rounds come next in the cycle (issue #21). None when those needs
 * name no cycle.
 */
export async function unentitledHouseholdsOfDistrict(db: Db, areaId: string, needIds: readonly string[]): Promise<{ members: number; count: number }[]> {
  if (needIds.length === 0) return [];
  // A district's own round leaves no household of it outside: nothing to read (at full scale, a
  // look-up of its 137,000 needs and a pass over its households).
  const district = await districtOf(db, areaId);
  if (district === areaId) return [];
  const cycle = (await sql<{ cycle: string | null }>`select max(cycle) as cycle from needs
    where kind = 'food_package' and id = any(${[...needIds]}::uuid[])`.execute(db)).rows[0]?.cycle;
  if (!cycle) return [];
  const res = await sql<{ members: number; count: number }>`
    with recursive district as (
      select id from areas where id = ${district}
      union all select a.id from areas a join district on a.parent_id = district.id
    ), own as (
      select id from areas where id = ${areaId}
      union all select a.id from areas a join own on a.parent_id = own.id
    )
    select h.members, count(*)::int as count from households h
    where h.community_id in (select id from district) and h.community_id not in (select id from own)
      and not exists (select 1 from needs n where n.kind = 'food_package' and n.cycle = ${cycle} and n.household_id = h.id)
    group by h.members order by h.members`.execute(db);
  return res.rows;
}

/** The ancestor of kind district of an area (itself if one), else its topmost ancestor. */
async function districtOf(db: Db, areaId: string): Promise<string> {
  const top = await sql<{ id: string }>`
    with recursive up as (
      select id, parent_id, kind, 0 as depth from areas where id = ${areaId}
      union all select a.id, a.parent_id, a.kind, up.depth + 1 from areas a join up on a.id = up.parent_id where up.kind <> 'district'
    )
    select id from up order by (kind = 'district') desc, depth desc limit 1`.execute(db);
  return top.rows[0]?.id ?? areaId;
}

/** The accepted needs of `kinds` in `areaId` and below that no round being planned owns. */
function claimable(areaId: string, kinds: readonly NeedKind[]) {
  return sql<ClaimableNeed>`
    with recursive sub as (
      select id from areas where id = ${areaId}
      union all select a.id from areas a join sub on a.parent_id = sub.id
    )
    select n.id, n.community_id, n.corridor_id, ${ALLOCATION_COLUMNS}
    from needs n left join households h on h.id = n.household_id
    where n.status = 'accepted'
      and n.kind in (${sql.join([...kinds])})
      and (n.community_id in (select id from sub) or n.corridor_id in (select id from sub))
      -- Medicine is not depot stock: a round takes it only once bought and packed in a household bag.
      -- Emergency medicine is exempt, as on the urgent path: it is picked up at the nearest depot at once.
      and (n.kind <> 'medicine' or n.urgency = 'emergency' or exists (select 1 from medicine_bag_needs mb where mb.need_id = n.id))
      and not exists (
        select 1 from round_needs rn join rounds r on r.id = rn.round_id
        where rn.need_id = n.id and r.status in (${sql.join(PLANNING_ROUND_STATUSES)})
      )
    order by n.community_id, n.corridor_id, n.id`;
}

/** The round's needs still accepted (to plan again), in claim order, locked `for update of n`. */
export async function lockAcceptedNeedsOfRound(trx: Db, roundId: string): Promise<ClaimableNeed[]> {
  const res = await sql<ClaimableNeed>`
      select n.id, n.community_id, n.corridor_id, ${ALLOCATION_COLUMNS}
      from round_needs rn join needs n on n.id = rn.need_id left join households h on h.id = n.household_id
      where rn.round_id = ${roundId} and n.status = 'accepted'
      order by n.community_id, n.corridor_id, n.id for update of n`.execute(trx);
  return res.rows;
}

/** Ids of every community, in id order (each gets its scheduled rounds). */
export async function communityIds(db: Db): Promise<string[]> {
  return areaIdsOfKind(db, 'community');
}

/** The ids of every area of one level (districts, communities), in id order. */
export async function areaIdsOfKind(db: Db, kind: 'district' | 'community'): Promise<string[]> {
  const rows = await db.selectFrom('areas').select('id').where('kind', '=', kind).orderBy('id').execute();
  return rows.map((r) => r.id);
}

export interface NewSubproblem {
  id: string;
  communityId: string | null;
  vehicleIds: string[];
  needIds: string[];
}

export async function insertSubproblems(trx: Db, roundId: string, subs: NewSubproblem[], generation = 1, items: ReadonlyMap<string, unknown> = new Map()): Promise<void> {
  if (subs.length === 0) return;
  await trx.insertInto('round_subproblems')
    .values(subs.map((s) => ({ round_id: roundId, id: s.id, community_id: s.communityId, generation, vehicle_ids: JSON.stringify(s.vehicleIds), result: null, solved_at: null })))
    .onConflict((oc) => oc.doNothing()).execute();
  // What the allocation gave each need, each distinct value once ("i": its index): needs given alike
  // share the same object (round-allocation.service), a district's 137,000 a few dozen sets.
  const sets: unknown[] = [];
  const setOf = new Map<unknown, number>();
  const indexOf = (given: unknown): number => {
    let i = setOf.get(given);
    if (i === undefined) setOf.set(given, (i = sets.push(given) - 1));
    return i;
  };
  const links = subs.flatMap((s) => s.needIds.map((n) => ({ n, s: s.id, ...(items.has(n) ? { i: indexOf(items.get(n)) } : {}) })));
  if (links.length === 0) return;
  // One statement, the links as one JSON document (a district links 137,000 needs: 28 statements of
  // 15,000 parameters before; then a jsonb[] array parameter, whose escaping by the driver held the
  // worker's event loop 2 s on a quiet machine, past its job lock under load: one JSON.stringify
  // takes a fifth of that), with what the allocation gave each need (an update of every row after
  // cost 11 s). A re-plan moves a need of the round to a sub-problem of the new generation; a need
  // given nothing new (no "i") keeps what it had.
  await sql`with given as materialized (select ${JSON.stringify(sets)}::jsonb as sets)
    insert into round_needs (round_id, need_id, subproblem_id, items)
    select ${roundId}::uuid, (l->>'n')::uuid, l->>'s', given.sets -> ((l->>'i')::int)
    from given, jsonb_array_elements(${JSON.stringify(links)}::jsonb) as l
    on conflict (round_id, need_id) do update set subproblem_id = excluded.subproblem_id, items = coalesce(excluded.items, round_needs.items)`.execute(trx);
}

/** Links a need to a round under `subproblemId`; a need already linked keeps its link. */
export async function linkRoundNeed(trx: Db, roundId: string, needId: string, subproblemId: string): Promise<void> {
  await trx.insertInto('round_needs').values({ round_id: roundId, need_id: needId, subproblem_id: subproblemId }).onConflict((oc) => oc.doNothing()).execute();
}

/** The sub-problems of a round's current plan generation. */
export async function listSubproblems(db: Db, roundId: string): Promise<SubproblemRow[]> {
  return db.selectFrom('round_subproblems').selectAll().where('round_id', '=', roundId)
    .where('generation', '=', (eb) => eb.selectFrom('rounds').select('generation').where('id', '=', roundId))
    .orderBy('id').execute();
}

/**
 * The current generation's sub-problems by state, without their results: a district's 120 results
 * are megabytes of JSON, and every solve and every round read counted them by reading them all.
 */
export async function subproblemStates(db: Db, roundId: string): Promise<{ total: number; solved: number; unsolvedIds: string[] }> {
  const rows = await db.selectFrom('round_subproblems').select(['id', 'solved_at']).where('round_id', '=', roundId)
    .where('generation', '=', (eb) => eb.selectFrom('rounds').select('generation').where('id', '=', roundId))
    .orderBy('id').execute();
  const unsolvedIds = rows.filter((r) => !r.solved_at).map((r) => r.id);
  return { total: rows.length, solved: rows.length - unsolvedIds.length, unsolvedIds };
}

export async function getSubproblem(db: Db, roundId: string, id: string): Promise<SubproblemRow | undefined> {
  return db.selectFrom('round_subproblems').selectAll().where('round_id', '=', roundId).where('id', '=', id).executeTakeFirst();
}

export async function subproblemNeedIds(db: Db, roundId: string, subproblemId: string): Promise<string[]> {
  const rows = await db.selectFrom('round_needs').select('need_id').where('round_id', '=', roundId).where('subproblem_id', '=', subproblemId).orderBy('need_id').execute();
  return rows.map((r) => r.need_id);
}

/** Stores a sub-problem's result once: a retried solve finds it already there and keeps the first. */
export async function saveSubproblemResult(db: Db, roundId: string, id: string, result: unknown): Promise<boolean> {
  const res = await db.updateTable('round_subproblems')
    .set({ result: JSON.stringify(result), solved_at: new Date(), progress: 100 })
    .where('round_id', '=', roundId).where('id', '=', id).where('solved_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function setSubproblemProgress(db: Db, roundId: string, id: string, progress: number): Promise<void> {
  await db.updateTable('round_subproblems').set({ progress: Math.round(progress) })
    .where('round_id', '=', roundId).where('id', '=', id).where('solved_at', 'is', null).execute();
}

/**
 * Moves needs along the status machine and appends their history, skipping any need that is no
 * longer in `from` (so a repeated call writes nothing twice). Returns the ids that moved.
 *
 * The rows are locked in id order before they are written, whatever plan PostgreSQL picks for the
 * update: a few ids are found through the index (id order), thousands by a bitmap or sequential
 * scan (the table's order). Two moves of overlapping needs in different orders deadlock: a
 * handover settling its stop against the reconciler settling the whole round did, 10 handovers
 * answered 500 in a full-scale district day (issue #21).
 */
export async function moveNeeds(trx: Db, needIds: readonly string[], from: NeedStatus, to: NeedStatus, actor: string, note: string | null, failureReason?: string): Promise<string[]> {
  if (!canTransition(from, to)) throw new Error(`need status ${from} > ${to} is not allowed`);
  if (to === 'failed' && !failureReason) throw new Error('a failed need needs a reason');
  // Ids travel as one array parameter each way, not one parameter (and one row object) per need: a
  // district's plan moves 137,000 at once, and building those statements was seconds of the merge.
  const moved: string[] = [];
  // In chunks, in id order across them too (a uuid's text sorts as PostgreSQL orders uuids).
  const ordered = needIds.length > 50_000 ? [...needIds].sort() : needIds;
  for (let i = 0; i < ordered.length; i += 50_000) {
    const ids = ordered.slice(i, i + 50_000);
    if (ids.length === 0) continue;
    const rows = await sql<{ id: string }>`with locked as materialized (
        select id from needs where id = any(${ids}::uuid[]) and status = ${from} order by id for update
      )
      update needs n set status = ${to}, updated_at = ${new Date()}${failureReason ? sql`, failure_reason = ${failureReason}` : sql``}
      from locked where n.id = locked.id returning n.id`.execute(trx);
    moved.push(...rows.rows.map((r) => r.id));
  }
  for (let i = 0; i < moved.length; i += 50_000) {
    await sql`insert into need_status_history (need_id, from_status, to_status, note, actor)
      select id, ${from}, ${to}, ${note}, ${actor} from unnest(${moved.slice(i, i + 50_000)}::uuid[]) with ordinality as m(id, n) order by n`.execute(trx);
  }
  return moved;
}
