/**
 * Accounts and their assignments: what an admin (or the demo seed) creates and changes.
 * Each role takes only its own kind of assignment (a resident a household, a coordinator
 * corridors, community staff communities, a driver a driver record), so an account can never
 * reach further than its role says.
 */
import type { Actor, Role } from '../../domain/access';
import { AppError, type FieldError } from '../../shared/errors';
import { driverAvailableFor, existingAreas, findAssignments, findUserById, householdExists, insertUser, replaceAssignments, setDisabled, setPasswordHash, type UserAssignments, type UserRecord } from '../../store/account.repository';

import { revokeUserSessions } from '../../store/session.repository';
import type { Clock } from '../../shared/clock';
import { createAuditService } from './audit.service';
import { MIN_PASSWORD_LENGTH, passwordProblems } from './auth-password-policy';
import { hashPassword, type ScryptCost } from './auth-secrets';
import type { Db } from '../../store/db';

export type { UserAssignments };

export interface NewAccount {
  username: string;
  password: string;
  role: Role;
  assignments?: Partial<UserAssignments>;
}

export interface Account extends UserRecord {
  assignments: UserAssignments;
}

export interface AccountChangeContext {
  /**
   * Who made the change; null for the system (demo seed, CLI). A password set by someone (an
   * admin creating the account or resetting it) is a one-time password: its owner must change it
   * at first login. One set by the system is not.
   */
  by?: Actor | null;
  reqId?: string | null;
  /** Password hashing cost; tests and seeds may lower it. */
  scryptCost?: ScryptCost;
}

export const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;
/** Shortest new password (NIST SP 800-63B rev. 4, password as the only factor); see auth-password-policy.ts. */
export const MIN_PASSWORD = MIN_PASSWORD_LENGTH;

const allowedAssignment: Record<Role, keyof UserAssignments | null> = {
  resident: 'householdId',
  coordinator: 'corridorIds',
  community_staff: 'communityIds',
  driver: 'driverId',
  dispatcher: null,
  admin: null,
};

function normalise(a: Partial<UserAssignments> = {}): UserAssignments {
  return {
    householdId: a.householdId ?? null,
    corridorIds: [...new Set(a.corridorIds ?? [])],
    communityIds: [...new Set(a.communityIds ?? [])],
    driverId: a.driverId ?? null,
  };
}

async function checkAssignments(db: Db, userId: string | null, role: Role, a: UserAssignments): Promise<void> {
  const errors: FieldError[] = [];
  const given: Record<keyof UserAssignments, boolean> = {
    householdId: a.householdId !== null,
    corridorIds: a.corridorIds.length > 0,
    communityIds: a.communityIds.length > 0,
    driverId: a.driverId !== null,
  };
  for (const key of Object.keys(given) as (keyof UserAssignments)[]) {
    if (given[key] && allowedAssignment[role] !== key) errors.push({ path: ['assignments', key], message: `not an assignment of role ${role}` });
  }
  if (a.householdId && !(await householdExists(db, a.householdId))) errors.push({ path: ['assignments', 'householdId'], message: 'no such household' });
  const corridors = await existingAreas(db, 'corridor', a.corridorIds);
  a.corridorIds.forEach((id, i) => corridors.has(id) || errors.push({ path: ['assignments', 'corridorIds', i], message: 'no such corridor' }));
  const communities = await existingAreas(db, 'community', a.communityIds);
  a.communityIds.forEach((id, i) => communities.has(id) || errors.push({ path: ['assignments', 'communityIds', i], message: 'no such community' }));
  if (a.driverId && !(await driverAvailableFor(db, a.driverId, userId ?? ''))) {
    errors.push({ path: ['assignments', 'driverId'], message: 'no such driver, or already linked to another account' });
  }
  if (errors.length > 0) throw new AppError('validation', 'invalid assignments', { errors });
}

const isUniqueViolation = (err: unknown): boolean => typeof err === 'object' && err !== null && 'code' in err && err.code === '23505';

/** Creates an account with its assignments, audited, in one transaction. */
export async function createAccount(deps: { db: Db }, input: NewAccount, ctx: AccountChangeContext = {}): Promise<Account> {
  const errors: FieldError[] = [];
  if (!USERNAME.test(input.username)) errors.push({ path: ['username'], message: 'letters, digits and . _ @ - only, 1 to 64' });
  errors.push(...passwordProblems(input.password, input.username));
  if (errors.length > 0) throw new AppError('validation', 'invalid account', { errors });
  const assignments = normalise(input.assignments);
  const passwordHash = await hashPassword(input.password, ctx.scryptCost);
  const audit = createAuditService(deps);
  try {
    return await deps.db.transaction().execute(async (trx) => {
      await checkAssignments(trx, null, input.role, assignments);
      const user = await insertUser(trx, { username: input.username, passwordHash, role: input.role, mustChangePassword: Boolean(ctx.by) });
      await replaceAssignments(trx, user.id, assignments);
      await audit.record({ actor: ctx.by ?? null, action: 'user.create', subjectType: 'user', subjectId: user.id, outcome: 'allowed', reqId: ctx.reqId ?? null }, trx);
      return { ...user, householdId: assignments.householdId, assignments };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('conflict', 'username already taken', { cause: err });
    throw err;
  }
}

/** Replaces all assignments of an account, audited. Its live sessions see the change on their next request. */
export async function setAssignments(
  deps: { db: Db },
  userId: string,
  input: Partial<UserAssignments>,
  ctx: AccountChangeContext = {},
): Promise<Account> {
  const assignments = normalise(input);
  const audit = createAuditService(deps);
  return deps.db.transaction().execute(async (trx) => {
    const user = await findUserById(trx, userId);
    if (!user) throw new AppError('not_found', 'account not found');
    await checkAssignments(trx, userId, user.role, assignments);
    await replaceAssignments(trx, userId, assignments);
    await audit.record({ actor: ctx.by ?? null, action: 'user.assign', subjectType: 'user', subjectId: userId, outcome: 'allowed', reqId: ctx.reqId ?? null }, trx);
    return { ...user, householdId: assignments.householdId, assignments };
  });
}

export async function getAccount(deps: { db: Db }, userId: string): Promise<Account | undefined> {
  const user = await findUserById(deps.db, userId);
  return user && { ...user, assignments: await findAssignments(deps.db, userId) };
}

/**
 * Disables an account (its sessions end in the same transaction, and it cannot log in again) or
 * re-enables it. Revoking sessions alone would let the person simply log in again.
 */
export async function setAccountDisabled(
  deps: { db: Db; clock: Clock },
  userId: string,
  disabled: boolean,
  ctx: AccountChangeContext = {},
): Promise<Account> {
  const audit = createAuditService(deps);
  await deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    if (!(await setDisabled(trx, userId, disabled ? now : null))) throw new AppError('not_found', 'account not found');
    if (disabled) await revokeUserSessions(trx, userId, now);
    const action = disabled ? 'user.disable' : 'user.enable';
    await audit.record({ actor: ctx.by ?? null, action, subjectType: 'user', subjectId: userId, outcome: 'allowed', reqId: ctx.reqId ?? null }, trx);
  });
  return (await getAccount(deps, userId)) as Account;
}

/**
 * Sets a new password (an admin reset: a one-time password the owner changes at next login);
 * every session of the account ends with it.
 */
export async function resetPassword(
  deps: { db: Db; clock: Clock },
  userId: string,
  password: string,
  ctx: AccountChangeContext = {},
): Promise<void> {
  const user = await findUserById(deps.db, userId);
  if (!user) throw new AppError('not_found', 'account not found');
  const errors = passwordProblems(password, user.username);
  if (errors.length > 0) throw new AppError('validation', 'invalid password', { errors });
  const passwordHash = await hashPassword(password, ctx.scryptCost);
  const audit = createAuditService(deps);
  await deps.db.transaction().execute(async (trx) => {
    if (!(await setPasswordHash(trx, userId, passwordHash, Boolean(ctx.by)))) throw new AppError('not_found', 'account not found');
    await revokeUserSessions(trx, userId, deps.clock.now());
    await audit.record({ actor: ctx.by ?? null, action: 'user.password.reset', subjectType: 'user', subjectId: userId, outcome: 'allowed', reqId: ctx.reqId ?? null }, trx);
  });
}
