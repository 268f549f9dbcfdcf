/**
 * Checking a pass code. Offline (what a checkpoint device does with the public key alone):
 * signature and window. Online: the same, then the pass's current state, so a refused, expired,
 * cancelled, overdue or returned pass stops verifying even though its signature still holds.
 * The answer says who may pass and why not, never the medical reason.
 */
import type { Actor } from '../../domain/access';
import { mayVerifyPasses } from '../../domain/pass';
import { exportPublicKey, readPassCode, verifyPassCode, type OfflineFailure, type PassKeys } from '../../domain/pass-code';
import { VERIFYING_STATUSES, type PassStatus } from '../../domain/pass-status';
import type { Clock } from '../../shared/clock';
import { AppError } from '../../shared/errors';
import { findPass } from '../../store/pass.repository';

import type { AuditService } from '../access/audit.service';
import type { Db } from '../../store/db';

export type OnlineFailure = OfflineFailure | 'unknown_pass' | 'not_current' | 'not_issued' | PassStatus;

export interface VerifyResult {
  valid: boolean;
  reason?: OnlineFailure;
  passId?: string;
  householdId?: string;
  person?: string;
  hospitalId?: string;
  status?: PassStatus;
  validFrom?: string;
  validUntil?: string;
}

export interface VerifyDeps {
  db: Db;
  clock: Clock;
  audit: AuditService;
  keys: PassKeys;
}

export function verificationKey(keys: PassKeys): { algorithm: 'Ed25519'; format: 'spki-der-base64'; publicKey: string } {
  return { algorithm: 'Ed25519', format: 'spki-der-base64', publicKey: exportPublicKey(keys.publicKey) };
}

export async function verifyOnline(deps: VerifyDeps, actor: Actor, code: string, reqId: string | null): Promise<VerifyResult> {
  const claimedId = readPassCode(code)?.passId ?? null;
  if (!mayVerifyPasses(actor)) {
    await deps.audit.record({ actor, action: 'pass.verify', subjectType: 'pass', subjectId: claimedId, outcome: 'denied', reqId });
    throw new AppError('forbidden', 'not allowed: pass.verify');
  }
  const result = await check(deps, code);
  await deps.audit.record({ actor, action: result.valid ? 'pass.verify' : 'pass.verify.refused', subjectType: 'pass', subjectId: result.passId ?? null, outcome: 'allowed', reqId });
  return result;
}

async function check(deps: VerifyDeps, code: string): Promise<VerifyResult> {
  const offline = verifyPassCode(code, deps.keys.publicKey, deps.clock.now());
  // Unsigned content is never echoed back as if it were a pass.
  if (!offline.ok && !offline.claims) return { valid: false, reason: offline.reason };
  const claims = offline.claims!;
  const shown = {
    passId: claims.passId, householdId: claims.householdId, person: claims.person, hospitalId: claims.hospitalId,
    validFrom: claims.validFrom.toISOString(), validUntil: claims.validUntil.toISOString(),
  };
  const pass = await findPass(deps.db, claims.passId);
  if (!pass) return { valid: false, reason: 'unknown_pass', ...shown };
  if (!offline.ok) return { valid: false, reason: offline.reason, status: pass.status, ...shown };
  // A validly signed code that is not this pass's current one (e.g. from a key shared by mistake).
  if (pass.code !== code.trim()) return { valid: false, reason: 'not_current', status: pass.status, ...shown };
  if (!VERIFYING_STATUSES.includes(pass.status)) return { valid: false, reason: pass.status, status: pass.status, ...shown };
  return { valid: true, status: pass.status, ...shown };
}
