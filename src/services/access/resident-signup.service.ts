/**
 * Resident accounts on request (issue #15, item 5), never by guessing: a unit chief (or the
 * community's staff, or an admin) asks for a code for one of their households and gives it to the
 * resident, who signs up with their phone number, the code and a password of their own.
 *
 * - The code: 12 readable characters (~59 bits), so guessing one among the codes alive at any
 *   time is hopeless under the sign-up rate limit (failed attempts per address and per phone,
 *   counted in Redis, each also an audit row). Only its SHA-256 is stored.
 * - Short-lived (SIGNUP_CODE_TTL_MIN), single-use, and a new code for the household retires the
 *   one before. Issue and use are audited.
 * - The username is the phone number's digits; the password follows the usual policy and is the
 *   resident's own from the start (no change forced at first login).
 */
import { createHash } from 'node:crypto';
import { canAccessHousehold, type Actor } from '../../domain/access';
import type { Clock } from '../../shared/clock';
import { AppError } from '../../shared/errors';
import { householdScope } from '../../store/account-scope.repository';
import { insertUser, replaceAssignments } from '../../store/account.repository';
import type { Db } from '../../store/db';
import { insertSignupCode, lockSignupCode, markSignupCodeUsed, supersedeOpenCodes } from '../../store/signup-code.repository';
import { guardDecision } from './access-guard';
import type { AuditService } from './audit.service';
import { passwordProblems } from './auth-password-policy';
import { hashPassword, readableCode, type ScryptCost } from './auth-secrets';

export interface SignupDeps {
  db: Db;
  audit: AuditService;
  clock: Clock;
  /** Minutes a code stays valid. */
  codeTtlMin: number;
  /** Password hashing cost; tests may lower it. */
  scryptCost?: ScryptCost;
}

/** Who may ask for a household's code: the people who know the household in person. */
const ISSUERS: readonly Actor['role'][] = ['coordinator', 'community_staff', 'admin'];

/** Case, spaces and dashes don't matter when the resident types the code. */
const normaliseCode = (code: string): string => code.toLowerCase().replace(/[\s-]/g, '');
const hashCode = (code: string): string => createHash('sha256').update(normaliseCode(code), 'utf8').digest('hex');

export async function issueSignupCode(deps: SignupDeps, actor: Actor, householdId: string, reqId?: string): Promise<{ code: string; expiresAt: Date }> {
  const scope = await householdScope(deps.db, householdId);
  if (!scope) throw new AppError('not_found', 'household not found');
  const ctx = { audit: deps.audit, reqId };
  await guardDecision(ctx, actor, ISSUERS.includes(actor.role) && canAccessHousehold(actor, scope), 'household.signup_code.issue', 'household', householdId);
  const code = readableCode(3, 4);
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + deps.codeTtlMin * 60_000);
  await deps.db.transaction().execute(async (trx) => {
    await supersedeOpenCodes(trx, householdId, now);
    await insertSignupCode(trx, { householdId, codeHash: hashCode(code), issuedBy: actor.userId, expiresAt });
    await deps.audit.record({ actor, action: 'household.signup_code.issue', subjectType: 'household', subjectId: householdId, outcome: 'allowed', reqId: reqId ?? null }, trx);
  });
  return { code, expiresAt };
}

export interface SignupRequest {
  phone: string;
  code: string;
  password: string;
}

const codeError = (message: string) => new AppError('validation', `code: ${message}`, { errors: [{ path: ['code'], message }] });

/** Creates the resident's account; a refused attempt is audited (denied) and counted by the route's rate limit. */
export async function signUpResident(deps: SignupDeps, input: SignupRequest, reqId?: string): Promise<{ userId: string; username: string; householdId: string }> {
  const username = input.phone.replace(/\D/g, '');
  const problems = passwordProblems(input.password, username);
  if (problems.length > 0) throw new AppError('validation', 'invalid password', { errors: problems });
  let outcome: { refused: string; codeId: string | null } | { userId: string; username: string; householdId: string };
  try {
    outcome = await deps.db.transaction().execute(async (trx) => {
      const now = deps.clock.now();
      const code = await lockSignupCode(trx, hashCode(input.code));
      if (!code) return { refused: 'not a code we issued', codeId: null };
      if (code.usedAt) return { refused: 'already used', codeId: code.id };
      if (code.supersededAt) return { refused: 'replaced by a newer code for the household', codeId: code.id };
      if (code.expiresAt <= now) return { refused: 'expired: ask your unit chief for a new one', codeId: code.id };
      const passwordHash = await hashPassword(input.password, deps.scryptCost);
      const user = await insertUser(trx, { username, passwordHash, role: 'resident', mustChangePassword: false });
      await replaceAssignments(trx, user.id, { householdId: code.householdId, corridorIds: [], communityIds: [], driverId: null });
      await markSignupCodeUsed(trx, code.id, now, user.id);
      const by = { userId: user.id, role: 'resident' as const };
      await deps.audit.recordMany(
        [
          { actor: by, action: 'auth.signup', subjectType: 'signup_code', subjectId: code.id, outcome: 'allowed', reqId: reqId ?? null },
          { actor: by, action: 'user.create', subjectType: 'user', subjectId: user.id, outcome: 'allowed', reqId: reqId ?? null },
        ],
        trx,
      );
      return { userId: user.id, username, householdId: code.householdId };
    });
  } catch (err) {
    // The phone has an account already: the code stays unused (the transaction rolled back).
    if (typeof err === 'object' && err !== null && 'code' in err && err.code === '23505') {
      throw new AppError('conflict', 'phone: already has an account (log in, or ask for a password reset)', { errors: [{ path: ['phone'], message: 'already has an account' }], cause: err });
    }
    throw err;
  }
  if ('refused' in outcome) {
    // Recorded after the transaction (one connection on PGlite): every refused attempt leaves a row.
    await deps.audit.record({ actor: null, action: 'auth.signup', subjectType: 'signup_code', subjectId: outcome.codeId, outcome: 'denied', reqId: reqId ?? null });
    throw codeError(outcome.refused);
  }
  return outcome;
}
