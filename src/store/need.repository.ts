/**
 * Needs and their status history. The accepting insert is one statement (need, its two history
 * rows and its outbox event), so the hot intake path costs a single round trip.
 */
import { CompiledQuery, type Selectable } from 'kysely';
import type { Need, NeedKind, StatusChange, Urgency } from '../domain/need';
import { OPEN_STATUSES, type NeedStatus } from '../domain/need-status';
import type { NeedsTable, NeedStatusHistoryTable } from './schema';
import type { Db } from './db';
import { prepared } from './prepared-statements';

type Executor = Db;

export interface NewNeed {
  id: string;
  householdId: string;
  corridorId: string;
  communityId: string;
  kind: NeedKind;
  identityKey: string;
  details: Record<string, unknown>;
  urgency: Urgency;
  priority: number;
  cycle: string | null;
  createdBy: string;
  at: Date;
}

export interface OutboxEvent {
  topic: string;
  payload: Record<string, unknown>;
}

export function toNeed(row: Selectable<NeedsTable>): Need {
  return {
    id: row.id,
    householdId: row.household_id,
    corridorId: row.corridor_id,
    communityId: row.community_id,
    kind: row.kind as NeedKind,
    details: row.details,
    status: row.status as NeedStatus,
    urgency: row.urgency as Urgency,
    priority: row.priority,
    cycle: row.cycle,
    failureReason: row.failure_reason,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toChange(row: Selectable<NeedStatusHistoryTable>): StatusChange {
  return { from: row.from_status as NeedStatus | null, to: row.to_status as NeedStatus, note: row.note, actor: row.actor, at: row.at };
}

/** The audit row of a creation, written by the same statement. */
export interface CreationAudit {
  actorRole: string;
  requestId: string | null;
}

export interface AcceptedNeed extends NewNeed {
  /** Outbox topics, one event each, carrying the need id only (job payloads never hold medical details). */
  topics: readonly string[];
  audit: CreationAudit | null;
  /** The request that submitted it, passed on in its outbox events (jobs' log lines carry it). */
  requestId?: string | null;
}

/** insertAcceptedNeeds' statement: one text for any number of needs (a jsonb parameter), kept prepared (prepared-statements.ts). */
const INSERT_ACCEPTED_SQL = prepared(`
    with i as (
      select * from jsonb_to_recordset($1::jsonb) as x(
        ord int, id uuid, household_id uuid, corridor_id uuid, community_id uuid, kind text, identity_key text,
        details jsonb, urgency text, priority int, cycle text, created_by text, at timestamptz, topics jsonb,
        actor_role text, request_id text, audited boolean, trace_id text)
    ),
    n as (
      insert into needs (id, household_id, corridor_id, community_id, kind, identity_key, details, status, urgency, priority, cycle, created_by, created_at, updated_at)
      select id, household_id, corridor_id, community_id, kind, identity_key, details, 'accepted', urgency, priority, cycle, created_by, at, at from i order by ord
      on conflict (household_id, kind, identity_key) where status in ('submitted', 'accepted', 'planned', 'out_for_delivery') do nothing
      returning id
    ),
    h as (
      insert into need_status_history (need_id, from_status, to_status, actor, at)
      select i.id, v.f, v.t, i.created_by, i.at from i join n using (id)
      cross join (values (1, null::text, 'submitted'), (2, 'submitted', 'accepted')) as v(step, f, t)
      order by i.ord, v.step
    ),
    o as (
      insert into outbox (topic, payload)
      select t, jsonb_strip_nulls(jsonb_build_object('needId', i.id::text, 'requestId', i.trace_id)) from i join n using (id) cross join jsonb_array_elements_text(i.topics) as t
      order by i.ord
    ),
    a as (
      insert into audit_log (actor_id, actor_role, action, subject_type, subject_id, outcome, request_id)
      select i.created_by, i.actor_role, 'need.create', 'need', i.id::text, 'allowed', i.request_id from i join n using (id)
      where i.audited order by i.ord
    )
    select id::text as id from n`);

/**
 * Inserts needs already accepted (submitted > accepted in their history), each with its outbox
 * events and audit row, in ONE statement: atomic even outside a transaction, and one round trip
 * and one commit for a whole batch. A need whose household already holds an identical open need
 * (or that repeats an earlier one of the batch) is skipped; the ids actually inserted are returned.
 */
export async function insertAcceptedNeeds(db: Executor, needs: readonly AcceptedNeed[]): Promise<Set<string>> {
  if (needs.length === 0) return new Set();
  const input = JSON.stringify(
    needs.map((n, ord) => ({
      ord,
      id: n.id,
      household_id: n.householdId,
      corridor_id: n.corridorId,
      community_id: n.communityId,
      kind: n.kind,
      identity_key: n.identityKey,
      details: n.details,
      urgency: n.urgency,
      priority: n.priority,
      cycle: n.cycle,
      created_by: n.createdBy,
      at: n.at.toISOString(),
      topics: n.topics,
      actor_role: n.audit?.actorRole ?? null,
      request_id: n.audit?.requestId ?? null,
      audited: n.audit !== null,
      trace_id: n.requestId ?? null,
    })),
  );
  const result = await db.executeQuery<{ id: string }>(CompiledQuery.raw(INSERT_ACCEPTED_SQL, [input]));
  return new Set(result.rows.map((r) => r.id));
}

/** The open need a duplicate repeats, locked until the transaction ends. */
export async function findOpenIdenticalForUpdate(db: Executor, householdId: string, kind: NeedKind, identityKey: string): Promise<Need | undefined> {
  const row = await db
    .selectFrom('needs')
    .selectAll()
    .where('household_id', '=', householdId)
    .where('kind', '=', kind)
    .where('identity_key', '=', identityKey)
    .where('status', 'in', OPEN_STATUSES)
    .forUpdate()
    .executeTakeFirst();
  return row && toNeed(row);
}

export interface MergeUpdate {
  details: Record<string, unknown>;
  urgency: Urgency;
  priority: number;
  note: string;
  actor: string;
  at: Date;
}

/** Folds a duplicate into an open need, noting it in the history (status unchanged). */
export async function applyMerge(db: Executor, need: Need, m: MergeUpdate): Promise<Need> {
  const row = await db
    .updateTable('needs')
    .set({ details: JSON.stringify(m.details), urgency: m.urgency, priority: m.priority, updated_at: m.at })
    .where('id', '=', need.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await db.insertInto('need_status_history').values({ need_id: need.id, from_status: need.status, to_status: need.status, note: m.note, actor: m.actor, at: m.at }).execute();
  return toNeed(row);
}

export interface StatusUpdate {
  from: NeedStatus;
  to: NeedStatus;
  note: string | null;
  failureReason?: string | null;
  actor: string;
  at: Date;
}

/** Moves a need from `from` to `to`; returns undefined when it is no longer in `from` (lost a race). */
export async function updateStatus(db: Executor, id: string, u: StatusUpdate): Promise<Need | undefined> {
  const row = await db
    .updateTable('needs')
    .set({ status: u.to, updated_at: u.at, ...(u.failureReason === undefined ? {} : { failure_reason: u.failureReason }) })
    .where('id', '=', id)
    .where('status', '=', u.from)
    .returningAll()
    .executeTakeFirst();
  if (!row) return undefined;
  await db.insertInto('need_status_history').values({ need_id: id, from_status: u.from, to_status: u.to, note: u.note, actor: u.actor, at: u.at }).execute();
  return toNeed(row);
}

export async function findNeed(db: Executor, id: string): Promise<Need | undefined> {
  const row = await db.selectFrom('needs').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toNeed(row);
}

/** Reads a need and locks its row for the rest of the transaction (a status change decided on what it reads). */
export async function lockNeed(db: Executor, id: string): Promise<Need | undefined> {
  const row = await db.selectFrom('needs').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  return row && toNeed(row);
}

export async function findNeedsOfHousehold(db: Executor, householdId: string, limit = 200): Promise<Need[]> {
  const rows = await db.selectFrom('needs').selectAll().where('household_id', '=', householdId).orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
  return rows.map(toNeed);
}

/** Status histories of several needs, oldest change first, grouped by need id. */
export async function findHistories(db: Executor, needIds: string[]): Promise<Map<string, StatusChange[]>> {
  const out = new Map<string, StatusChange[]>(needIds.map((id) => [id, []]));
  if (needIds.length === 0) return out;
  const rows = await db.selectFrom('need_status_history').selectAll().where('need_id', 'in', needIds).orderBy('id').execute();
  for (const row of rows) out.get(row.need_id)?.push(toChange(row));
  return out;
}

export async function insertOutbox(db: Executor, events: OutboxEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db.insertInto('outbox').values(events.map((e) => ({ topic: e.topic, payload: JSON.stringify(e.payload) }))).execute();
}
