/**
 * A person changes their own password: the current one first (a session alone, perhaps left open
 * on a shared phone, must not be enough to take the account over), then the new one against the
 * policy (auth-password-policy.ts). It also ends the one-time password an admin set, and every
 * other session of the account, in one transaction: whoever knew the old password is out.
 */
import type { Actor } from '../../domain/access';
import { AppError } from '../../shared/errors';
import type { Clock } from '../../shared/clock';
import { findPasswordHash, setPasswordHash } from '../../store/account.repository';

import { revokeUserSessions } from '../../store/session.repository';
import { createAuditService } from './audit.service';
import type { AccountChangeContext } from './auth-accounts.service';
import { passwordProblems } from './auth-password-policy';
import { hashPassword, verifyPassword } from './auth-secrets';
import type { Db } from '../../store/db';

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
}

/** Returns how many other sessions ended. */
export async function changeOwnPassword(
  deps: { db: Db; clock: Clock },
  actor: Actor,
  change: PasswordChange,
  ctx: Pick<AccountChangeContext, 'reqId' | 'scryptCost'> = {},
): Promise<number> {
  const account = await findPasswordHash(deps.db, actor.userId);
  if (!account || !actor.sessionId) throw new AppError('unauthenticated', 'no session to change the password of');
  if (!(await verifyPassword(change.currentPassword, account.passwordHash))) {
    throw new AppError('validation', 'the current password is wrong', { errors: [{ path: ['currentPassword'], message: 'not your current password' }] });
  }
  const errors = passwordProblems(change.newPassword, account.username, ['newPassword']);
  if (change.newPassword === change.currentPassword) errors.push({ path: ['newPassword'], message: 'must differ from the current password' });
  if (errors.length > 0) throw new AppError('validation', 'invalid new password', { errors });
  const passwordHash = await hashPassword(change.newPassword, ctx.scryptCost);
  const audit = createAuditService(deps);
  const sessionId = actor.sessionId;
  return deps.db.transaction().execute(async (trx) => {
    await setPasswordHash(trx, actor.userId, passwordHash, false);
    const ended = await revokeUserSessions(trx, actor.userId, deps.clock.now(), sessionId);
    await audit.record({ actor, action: 'user.password.change', subjectType: 'user', subjectId: actor.userId, outcome: 'allowed', reqId: ctx.reqId ?? null }, trx);
    return ended;
  });
}
