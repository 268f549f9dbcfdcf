/**
 * Accounts and their assignments. A coordinator's corridors live in the core table
 * `coordinator_assignments` and a driver account is the `user_id` of its `drivers` row, so the
 * planning side reads the same facts; community staff and residents are assigned here.
 */
import type { Role } from '../domain/access';
import { isUuid } from './account-scope.repository';
import type { Db } from './db';
import type { UsersTable } from './tables/accounts';

export interface UserRecord {
  id: string;
  username: string;
  role: Role;
  householdId: string | null;
  disabled: boolean;
  createdAt: Date;
  /** The password was set by an admin and is still to be changed by its owner. */
  mustChangePassword: boolean;
}

export interface UserAssignments {
  householdId: string | null;
  corridorIds: string[];
  communityIds: string[];
  driverId: string | null;
}


const userColumns = ['id', 'username', 'role', 'household_id', 'disabled_at', 'created_at', 'must_change_password'] as const;
type UserColumns = Pick<UsersTable, 'username' | 'role' | 'household_id' | 'disabled_at'> & { id: string; created_at: Date; must_change_password: boolean };
const toUser = (row: UserColumns): UserRecord => ({
  id: row.id,
  username: row.username,
  role: row.role,
  householdId: row.household_id,
  disabled: row.disabled_at !== null,
  createdAt: row.created_at,
  mustChangePassword: row.must_change_password,
});

export async function insertUser(
  db: Db,
  user: { username: string; passwordHash: string; role: Role; mustChangePassword: boolean },
): Promise<UserRecord> {
  const row = await db
    .insertInto('users')
    .values({ username: user.username, password_hash: user.passwordHash, role: user.role, must_change_password: user.mustChangePassword })
    .returning(userColumns)
    .executeTakeFirstOrThrow();
  return toUser(row);
}

export async function findUserById(db: Db, id: string): Promise<UserRecord | undefined> {
  if (!isUuid(id)) return undefined;
  const row = await db.selectFrom('users').select(userColumns).where('id', '=', id).executeTakeFirst();
  return row && toUser(row);
}

/** What login needs: the hash and whether the account may log in. Usernames match case-insensitively. */
export async function findCredentials(
  db: Db,
  username: string,
): Promise<{ id: string; role: Role; passwordHash: string; disabled: boolean; mustChangePassword: boolean } | undefined> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'role', 'password_hash', 'disabled_at', 'must_change_password'])
    .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
    .executeTakeFirst();
  return row && { id: row.id, role: row.role, passwordHash: row.password_hash, disabled: row.disabled_at !== null, mustChangePassword: row.must_change_password };
}

/** An account's username and password hash, to check its current password before a change. */
export async function findPasswordHash(db: Db, userId: string): Promise<{ username: string; passwordHash: string } | undefined> {
  if (!isUuid(userId)) return undefined;
  const row = await db.selectFrom('users').select(['username', 'password_hash']).where('id', '=', userId).executeTakeFirst();
  return row && { username: row.username, passwordHash: row.password_hash };
}

export async function findAssignments(db: Db, userId: string): Promise<UserAssignments> {
  const a = db;
  const [user, corridors, communities, driver] = await Promise.all([
    a.selectFrom('users').select('household_id').where('id', '=', userId).executeTakeFirst(),
    a.selectFrom('coordinator_assignments').select('corridor_id').where('user_id', '=', userId).orderBy('corridor_id').execute(),
    a.selectFrom('community_staff_assignments').select('community_id').where('user_id', '=', userId).orderBy('community_id').execute(),
    a.selectFrom('drivers').select('id').where('user_id', '=', userId).executeTakeFirst(),
  ]);
  return {
    householdId: user?.household_id ?? null,
    corridorIds: corridors.map((r) => r.corridor_id),
    communityIds: communities.map((r) => r.community_id),
    driverId: driver?.id ?? null,
  };
}

/** Replaces every assignment of the user (call inside a transaction). */
export async function replaceAssignments(db: Db, userId: string, next: UserAssignments): Promise<void> {
  const a = db;
  await a.updateTable('users').set({ household_id: next.householdId }).where('id', '=', userId).execute();
  await a.deleteFrom('coordinator_assignments').where('user_id', '=', userId).execute();
  if (next.corridorIds.length > 0) {
    await a.insertInto('coordinator_assignments').values(next.corridorIds.map((corridor_id) => ({ user_id: userId, corridor_id }))).execute();
  }
  await a.deleteFrom('community_staff_assignments').where('user_id', '=', userId).execute();
  if (next.communityIds.length > 0) {
    await a.insertInto('community_staff_assignments').values(next.communityIds.map((community_id) => ({ user_id: userId, community_id }))).execute();
  }
  await a.updateTable('drivers').set({ user_id: null }).where('user_id', '=', userId).execute();
  if (next.driverId) await a.updateTable('drivers').set({ user_id: userId }).where('id', '=', next.driverId).execute();
}

/** The ids among `ids` that are areas of this kind (corridors, communities). */
export async function existingAreas(db: Db, kind: 'corridor' | 'community', ids: string[]): Promise<Set<string>> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return new Set();
  const rows = await db.selectFrom('areas').select('id').where('kind', '=', kind).where('id', 'in', valid).execute();
  return new Set(rows.map((r) => r.id));
}

export async function householdExists(db: Db, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  return (await db.selectFrom('households').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

/** A driver record that is free or already this user's (one account per driver). */
export async function driverAvailableFor(db: Db, driverId: string, userId: string): Promise<boolean> {
  if (!isUuid(driverId)) return false;
  const row = await db.selectFrom('drivers').select('user_id').where('id', '=', driverId).executeTakeFirst();
  return row !== undefined && (row.user_id === null || row.user_id === userId);
}

/** Disables (at a time) or re-enables an account; false when there is no such account. */
export async function setDisabled(db: Db, userId: string, at: Date | null): Promise<boolean> {
  if (!isUuid(userId)) return false;
  const result = await db.updateTable('users').set({ disabled_at: at }).where('id', '=', userId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Sets a password; `mustChange`: a one-time password (set by an admin) its owner has to replace. */
export async function setPasswordHash(db: Db, userId: string, passwordHash: string, mustChange: boolean): Promise<boolean> {
  if (!isUuid(userId)) return false;
  const result = await db.updateTable('users').set({ password_hash: passwordHash, must_change_password: mustChange }).where('id', '=', userId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
