/**
 * What bulk account creation reads and writes (issue #15, item 5): the corridors and communities
 * under an area, which corridors already have a unit chief, how many staff each community has,
 * and the accounts and assignments written many rows per statement.
 */
import { sql } from 'kysely';
import type { BulkCommunity, BulkCorridor } from '../domain/account-bulk';
import type { Role } from '../domain/access';
import type { Db } from './db';
import { lockForTransaction } from './advisory-lock';

const CHUNK = 2_000;

/** The area's subtree in use (the area itself included; a retired area and what lies under it left out): its corridors and communities, with names. */
export async function findBulkScope(db: Db, areaId: string): Promise<{ corridors: BulkCorridor[]; communities: BulkCommunity[] }> {
  const rows = await sql<{ id: string; kind: string; name: string; community_id: string | null }>`
    with recursive sub as (
      select id, kind, name, community_id from areas where id = ${areaId} and retired_at is null
      union all
      select a.id, a.kind, a.name, a.community_id from areas a join sub on a.parent_id = sub.id where a.retired_at is null
    )
    select id, kind, name, community_id from sub where kind in ('community', 'corridor')`.execute(db);
  const corridors: BulkCorridor[] = [];
  const communities: BulkCommunity[] = [];
  for (const r of rows.rows) {
    if (r.kind === 'community') communities.push({ id: r.id, name: r.name });
    else if (r.community_id) corridors.push({ id: r.id, name: r.name, communityId: r.community_id });
  }
  // A corridor's community may lie outside a scope narrower than it (a building): name it too.
  const missing = [...new Set(corridors.map((c) => c.communityId))].filter((id) => !communities.some((m) => m.id === id));
  if (missing.length > 0) communities.push(...(await db.selectFrom('areas').select(['id', 'name']).where('id', 'in', missing).execute()));
  return { corridors, communities };
}

/** Corridors among these that already have a unit chief (any account). */
export async function findCoveredCorridors(db: Db, corridorIds: readonly string[]): Promise<Set<string>> {
  const covered = new Set<string>();
  for (let i = 0; i < corridorIds.length; i += CHUNK) {
    const rows = await db.selectFrom('coordinator_assignments').select('corridor_id').distinct().where('corridor_id', 'in', corridorIds.slice(i, i + CHUNK)).execute();
    for (const r of rows) covered.add(r.corridor_id);
  }
  return covered;
}

/** How many staff accounts each of these communities has. */
export async function countStaff(db: Db, communityIds: readonly string[]): Promise<Map<string, number>> {
  if (communityIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('community_staff_assignments as a')
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .select(['a.community_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('u.role', '=', 'community_staff')
    .where('a.community_id', 'in', communityIds)
    .groupBy('a.community_id')
    .execute();
  return new Map(rows.map((r) => [r.community_id, Number(r.n)]));
}

/** The usernames among these already taken (case-insensitively, as login matches them). */
export async function findTakenUsernames(db: Db, usernames: readonly string[]): Promise<Set<string>> {
  const taken = new Set<string>();
  for (let i = 0; i < usernames.length; i += CHUNK) {
    const lower = usernames.slice(i, i + CHUNK).map((u) => u.toLowerCase());
    const rows = await db.selectFrom('users').select('username').where((eb) => eb(eb.fn('lower', ['username']), 'in', lower)).execute();
    for (const r of rows) taken.add(r.username.toLowerCase());
  }
  return taken;
}

export interface BulkUserRow {
  username: string;
  passwordHash: string;
  role: Extract<Role, 'coordinator' | 'community_staff'>;
  corridorIds: string[];
  communityId: string;
}

/**
 * Inserts the accounts (each with a one-time password its owner must change) and their
 * assignments; returns the new ids in the order given. Call inside a transaction.
 */
export async function insertBulkUsers(db: Db, users: readonly BulkUserRow[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < users.length; i += CHUNK) {
    const chunk = users.slice(i, i + CHUNK);
    const rows = await db
      .insertInto('users')
      .values(chunk.map((u) => ({ username: u.username, password_hash: u.passwordHash, role: u.role, must_change_password: true })))
      .returning(['id', 'username'])
      .execute();
    const idOf = new Map(rows.map((r) => [r.username, r.id]));
    const chunkIds = chunk.map((u) => idOf.get(u.username) as string);
    const corridorRows = chunk.flatMap((u, k) => (u.role === 'coordinator' ? u.corridorIds.map((corridor_id) => ({ user_id: chunkIds[k] as string, corridor_id })) : []));
    const staffRows = chunk.flatMap((u, k) => (u.role === 'community_staff' ? [{ user_id: chunkIds[k] as string, community_id: u.communityId }] : []));
    for (let j = 0; j < corridorRows.length; j += CHUNK) await db.insertInto('coordinator_assignments').values(corridorRows.slice(j, j + CHUNK)).execute();
    for (let j = 0; j < staffRows.length; j += CHUNK) await db.insertInto('community_staff_assignments').values(staffRows.slice(j, j + CHUNK)).execute();
    ids.push(...chunkIds);
  }
  return ids;
}

/** One bulk run at a time across every API process: two at once would each see a corridor uncovered. */
export async function lockBulkAccounts(db: Db): Promise<void> {
  await lockForTransaction(db, 'cordon.accounts.bulk');
}
