/**
 * Login sessions. The table holds only the SHA-256 of each token. A session is live while it is
 * neither revoked nor expired and its user is not disabled; `findLiveSessions` answers that and
 * loads the user's role and assignments in one round trip, on every request (no cache, so a
 * revocation holds from the very next request).
 */
import { CompiledQuery, sql } from 'kysely';
import type { Role } from '../domain/access';
import { auditedIn, type SubjectAudit } from './audit.repository';
import type { Db } from './db';
import { prepared } from './prepared-statements';
import type { SessionClient } from './tables/accounts';

export type { SessionClient };

export interface LiveSession {
  sessionId: string;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date;
  /** The account's password was set by an admin: until changed, the session may only change it or log out. */
  mustChangePassword: boolean;
  userId: string;
  username: string;
  role: Role;
  householdId: string | null;
  corridorIds: string[];
  communityIds: string[];
  driverId: string | null;
}


/** Opens a session; with `audit`, its audit row (the session its subject) is written in the same statement. */
export async function insertSession(
  db: Db,
  s: { userId: string; tokenHash: string; createdAt: Date; expiresAt: Date; client?: SessionClient },
  audit?: SubjectAudit,
): Promise<string> {
  const row = await db
    .with('created', (q) => q.insertInto('sessions')
      .values({ user_id: s.userId, token_hash: s.tokenHash, created_at: s.createdAt, expires_at: s.expiresAt, last_used_at: s.createdAt, client: s.client ?? 'api' })
      .returning('id'))
    .with('audited', auditedIn('created', audit))
    .selectFrom('created').select('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * One round trip for every authenticated request (or for all that arrive together: the hashes
 * come as an array), so it is written once as SQL and sent precompiled (no query building per
 * request), and kept prepared on each connection (prepared-statements.ts). Arrays are text[],
 * which node-postgres parses (it leaves uuid[] as a string).
 *
 * Two texts, so PostgreSQL keeps each one's generic plan from its sixth call on (issue #21): with
 * one `any($1)` for both, a plan made for one hash costed a fifth of the generic plan (which
 * assumes ten), and half the district day's 19,579 look-ups were planned. One hash, the usual
 * case, is `= $1`: its generic plan is the plan for its value. A batch reads its hashes through
 * `array(select unnest($1))`, which the planner cannot look into, so a plan for its values costs
 * what the generic plan costs. (That form for one hash too plans a bitmap scan where `= $1` takes
 * the index.)
 */
const liveSessionsWhere = (hashes: string) => `
  select s.token_hash as "tokenHash", s.id as "sessionId", s.created_at as "createdAt", s.expires_at as "expiresAt",
         s.last_used_at as "lastUsedAt", u.must_change_password as "mustChangePassword",
         u.id as "userId", u.username, u.role, u.household_id as "householdId",
         array(select corridor_id::text from coordinator_assignments where user_id = u.id order by 1) as "corridorIds",
         array(select community_id::text from community_staff_assignments where user_id = u.id order by 1) as "communityIds",
         (select id::text from drivers where user_id = u.id::text limit 1) as "driverId"
    from sessions s join users u on u.id = s.user_id
   where ${hashes} and s.revoked_at is null and s.expires_at > $2 and s.created_at > $3 and u.disabled_at is null`;
export const LIVE_SESSION_SQL = prepared(liveSessionsWhere('s.token_hash = $1'));
export const LIVE_SESSIONS_SQL = prepared(liveSessionsWhere('s.token_hash = any(array(select unnest($1::text[])))'));

/** The live sessions among `tokenHashes`, by hash. `createdAfter`: sessions opened before it are too old, however recently used. */
export async function findLiveSessions(db: Db, tokenHashes: readonly string[], now: Date, createdAfter: Date): Promise<Map<string, LiveSession>> {
  const [text, hashes] = tokenHashes.length === 1 ? [LIVE_SESSION_SQL, tokenHashes[0]] : [LIVE_SESSIONS_SQL, tokenHashes];
  const result = await db.executeQuery<LiveSession & { tokenHash: string }>(CompiledQuery.raw(text, [hashes, now, createdAfter]));
  return new Map(result.rows.map(({ tokenHash, ...session }) => [tokenHash, session]));
}

/**
 * Records a use of each session and slides its idle expiry (only ever forward): to `usedAt` plus
 * `ttlMs`, but never past its creation plus `maxAgeMs`. One statement for any number of sessions.
 */
export async function touchSessions(db: Db, sessionIds: readonly string[], usedAt: Date, ttlMs: number, maxAgeMs: number): Promise<void> {
  if (sessionIds.length === 0) return;
  const idleUntil = new Date(usedAt.getTime() + ttlMs);
  await db
    .updateTable('sessions')
    .set({
      last_used_at: usedAt,
      expires_at: sql<Date>`greatest(expires_at, least(${idleUntil}::timestamptz, created_at + ${`${maxAgeMs} milliseconds`}::interval))`,
    })
    .where('id', '=', sql<string>`any(${[...sessionIds]}::uuid[])`)
    .where('revoked_at', 'is', null)
    .where('last_used_at', '<', usedAt)
    .execute();
}

/** An account's live sessions (neither revoked nor expired, opened after `createdAfter`), last used first. */
export async function listUserSessions(
  db: Db,
  userId: string,
  now: Date,
  createdAfter: Date,
): Promise<{ id: string; client: SessionClient; createdAt: Date; lastUsedAt: Date; expiresAt: Date }[]> {
  const rows = await db
    .selectFrom('sessions')
    .select(['id', 'client', 'created_at', 'last_used_at', 'expires_at'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .where('created_at', '>', createdAfter)
    .orderBy('last_used_at', 'desc')
    .execute();
  return rows.map((r) => ({ id: r.id, client: r.client, createdAt: r.created_at, lastUsedAt: r.last_used_at, expiresAt: r.expires_at }));
}

export async function revokeSession(db: Db, sessionId: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Deletes up to `limit` sessions that expired or were revoked before `before`; returns how many. */
export async function deleteSessionsEndedBefore(db: Db, before: Date, limit: number): Promise<number> {
  const res = await sql`
    delete from sessions where id in (
      select id from sessions where expires_at < ${before} or revoked_at < ${before} limit ${limit})`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}

/** Revokes every live session of a user (but `keep`, when given); returns how many. */
export async function revokeUserSessions(db: Db, userId: string, at: Date, keep?: string): Promise<number> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .$if(keep !== undefined, (q) => q.where('id', '<>', keep as string))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
