/** Row types of the account, session and audit tables as Kysely sees them. */
import type { ColumnType, Generated } from 'kysely';
import type { Role } from '../../domain/access';

export type AuditOutcome = 'allowed' | 'denied';

export interface UsersTable {
  id: Generated<string>;
  username: string;
  password_hash: string;
  role: Role;
  household_id: string | null;
  disabled_at: Date | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  /** Set by an admin's create or reset (a one-time password), cleared when the owner changes it. */
  must_change_password: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface CommunityStaffAssignmentsTable {
  user_id: string;
  community_id: string;
  assigned_at: ColumnType<Date, Date | string | undefined, never>;
}

/** A resident sign-up code (migration 0023): only its SHA-256 is stored. */
export interface SignupCodesTable {
  id: Generated<string>;
  household_id: string;
  code_hash: string;
  issued_by: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  expires_at: Date;
  superseded_at: Date | null;
  used_at: Date | null;
  used_by: string | null;
}

export type AccountTables = {
  users: UsersTable;
  community_staff_assignments: CommunityStaffAssignmentsTable;
  signup_codes: SignupCodesTable;
};

export interface SessionsTable {
  id: Generated<string>;
  user_id: string;
  token_hash: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  last_used_at: Date;
  client: SessionClient;
}

/** `web`: the web app's HttpOnly cookie; `api`: a bearer token. */
export type SessionClient = 'web' | 'api';

export type SessionTables = AccountTables & {
  sessions: SessionsTable;
};

export interface AuditLogTable {
  id: Generated<string>;
  at: ColumnType<Date, Date | string | undefined, never>;
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  subject_type: string;
  subject_id: string | null;
  outcome: AuditOutcome;
  request_id: string | null;
}

export type AuditTables = {
  audit_log: AuditLogTable;
};
