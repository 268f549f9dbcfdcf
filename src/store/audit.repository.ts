/**
 * The append-only audit log (the database refuses UPDATE, DELETE and TRUNCATE on it).
 * Rows hold ids and action names only, never the content of a need.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from './db';

export type AuditOutcome = 'allowed' | 'denied';

export interface AuditRow {
  actorId: string | null;
  actorRole: string | null;
  action: string;
  subjectType: string;
  subjectId: string | null;
  outcome: AuditOutcome;
  requestId: string | null;
}

/** The audit row of a write that returns its subject: `subjectId` is the id the write returns. */
export type SubjectAudit = Omit<AuditRow, 'subjectId'>;

/**
 * The audit row of a write, in the write's own statement (Kysely's `with`): one row for the record
 * the CTE `from` returns (none when it wrote none); none at all without `audit`. A data-modifying CTE
 * runs whether or not the statement reads it (nothing does: the row type is only what `with` asks for).
 * One statement instead of two keeps a write out of a transaction, or its transaction short (issue #21).
 */
export const auditedIn = (from: string, audit: SubjectAudit | undefined) => (): RawBuilder<{ id: string }> => sql<{ id: string }>`(
  insert into audit_log (actor_id, actor_role, action, subject_type, subject_id, outcome, request_id)
  select ${audit?.actorId ?? null}, ${audit?.actorRole ?? null}, ${audit?.action ?? ''}, ${audit?.subjectType ?? ''}, ${sql.ref(`${from}.id`)}::text,
    ${audit?.outcome ?? 'allowed'}, ${audit?.requestId ?? null}
  from ${sql.table(from)} where ${audit !== undefined})`;

/**
 * For a write of many rows in one statement, each with its own audit row (or none): the row's audit
 * as fields of its `jsonb_to_recordset` row (`auditFields`, typed by `AUDIT_FIELD_TYPES`), returned
 * by the write's CTE from its recordset `v` (`AUDIT_FIELDS_RETURNED`), and written by `auditedRows`.
 */
export const auditFields = (audit: SubjectAudit | undefined) => ({
  audited: audit !== undefined, audit_actor_id: audit?.actorId ?? null, audit_actor_role: audit?.actorRole ?? null, audit_action: audit?.action ?? '',
  audit_subject_type: audit?.subjectType ?? '', audit_outcome: audit?.outcome ?? 'allowed', audit_request_id: audit?.requestId ?? null,
});
export const AUDIT_FIELD_TYPES = sql.raw('audited boolean, audit_actor_id text, audit_actor_role text, audit_action text, audit_subject_type text, audit_outcome text, audit_request_id text');
export const AUDIT_FIELDS_RETURNED = sql.raw('v.audited, v.audit_actor_id, v.audit_actor_role, v.audit_action, v.audit_subject_type, v.audit_outcome, v.audit_request_id');

/** One audit row for each row of the CTE `from` (with `auditFields`, its subject in `id`) that carries one. */
export const auditedRows = (from: string): RawBuilder<unknown> => sql`
  insert into audit_log (actor_id, actor_role, action, subject_type, subject_id, outcome, request_id)
  select audit_actor_id, audit_actor_role, audit_action, audit_subject_type, id::text, audit_outcome, audit_request_id from ${sql.table(from)} where audited`;

export interface StoredAuditRow extends AuditRow {
  id: string;
  at: Date;
}

export interface AuditFilter {
  actorId?: string;
  action?: string;
  subjectType?: string;
  subjectId?: string;
  outcome?: AuditOutcome;
  requestId?: string;
  /** Only rows after this id (paging forward). */
  afterId?: string;
  /** Default 100. */
  limit?: number;
}


export async function insertAuditRows(db: Db, rows: AuditRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('audit_log')
    .values(
      rows.map((r) => ({
        actor_id: r.actorId,
        actor_role: r.actorRole,
        action: r.action,
        subject_type: r.subjectType,
        subject_id: r.subjectId,
        outcome: r.outcome,
        request_id: r.requestId,
      })),
    )
    .execute();
}

export async function findAuditRows(db: Db, filter: AuditFilter): Promise<StoredAuditRow[]> {
  let q = db
    .selectFrom('audit_log')
    .select([
      'id',
      'at',
      'actor_id as actorId',
      'actor_role as actorRole',
      'action',
      'subject_type as subjectType',
      'subject_id as subjectId',
      'outcome',
      'request_id as requestId',
    ]);
  if (filter.actorId !== undefined) q = q.where('actor_id', '=', filter.actorId);
  if (filter.action !== undefined) q = q.where('action', '=', filter.action);
  if (filter.subjectType !== undefined) q = q.where('subject_type', '=', filter.subjectType);
  if (filter.subjectId !== undefined) q = q.where('subject_id', '=', filter.subjectId);
  if (filter.outcome !== undefined) q = q.where('outcome', '=', filter.outcome);
  if (filter.requestId !== undefined) q = q.where('request_id', '=', filter.requestId);
  if (filter.afterId !== undefined) q = q.where('id', '>', filter.afterId);
  return q.orderBy('id').limit(filter.limit ?? 100).execute();
}
