/**
 * The audit trail: every state change, every read of medical details and every refused access
 * is recorded as who (actor id and role), what (action, subject type and id), outcome, when, and
 * the request id. Never the content: no drug names, reasons or addresses, only ids.
 *
 * State changes should record inside their own transaction (`record(entry, trx)`), so the change
 * and its audit row commit or vanish together.
 */
import type { Actor } from '../../domain/access';
import { findAuditRows, insertAuditRows, type AuditFilter, type AuditOutcome, type AuditRow, type StoredAuditRow } from '../../store/audit.repository';
import type { Db } from '../../store/db';

export type { AuditOutcome, StoredAuditRow, AuditFilter };

export interface AuditEntry {
  /** null: nobody authenticated yet (a failed login). */
  actor: Pick<Actor, 'userId' | 'role'> | null;
  /** Dotted verb, e.g. 'need.create', 'household.read', 'need.medical.read', 'auth.login'. */
  action: string;
  /** e.g. 'household', 'need', 'corridor', 'user', 'session'. */
  subjectType: string;
  subjectId?: string | null;
  outcome: AuditOutcome;
  reqId?: string | null;
}

export interface AuditService {
  record(entry: AuditEntry, executor?: Db): Promise<void>;
  recordMany(entries: AuditEntry[], executor?: Db): Promise<void>;
  list(filter: AuditFilter): Promise<StoredAuditRow[]>;
}

const MAX_FIELD = 200;
const clip = (s: string): string => (s.length > MAX_FIELD ? s.slice(0, MAX_FIELD) : s);

/** The row an entry is stored as (for a write that stores its audit row in its own statement). */
export function toAuditRow(e: AuditEntry): AuditRow {
  return {
    actorId: e.actor?.userId ?? null,
    actorRole: e.actor?.role ?? null,
    action: clip(e.action),
    subjectType: clip(e.subjectType),
    subjectId: e.subjectId == null ? null : clip(e.subjectId),
    outcome: e.outcome,
    requestId: e.reqId == null ? null : clip(e.reqId),
  };
}

export function createAuditService(deps: { db: Db }): AuditService {
  return {
    record: (entry, executor) => insertAuditRows(executor ?? deps.db, [toAuditRow(entry)]),
    recordMany: (entries, executor) => insertAuditRows(executor ?? deps.db, entries.map(toAuditRow)),
    list: (filter) => findAuditRows(deps.db, filter),
  };
}
