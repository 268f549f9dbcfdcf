/** Resident sign-up codes (migration 0023): stored as SHA-256, single-use, short-lived. */
import type { Db } from './db';

export interface SignupCodeRecord {
  id: string;
  householdId: string;
  expiresAt: Date;
  supersededAt: Date | null;
  usedAt: Date | null;
}

/** Retires the household's open codes (a new one replaces them); returns how many. */
export async function supersedeOpenCodes(db: Db, householdId: string, at: Date): Promise<number> {
  const r = await db.updateTable('signup_codes').set({ superseded_at: at }).where('household_id', '=', householdId).where('used_at', 'is', null).where('superseded_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function insertSignupCode(db: Db, code: { householdId: string; codeHash: string; issuedBy: string; expiresAt: Date }): Promise<string> {
  const row = await db
    .insertInto('signup_codes')
    .values({ household_id: code.householdId, code_hash: code.codeHash, issued_by: code.issuedBy, expires_at: code.expiresAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The code with this hash, locked until the transaction ends (two sign-ups with one code: one wins). */
export async function lockSignupCode(db: Db, codeHash: string): Promise<SignupCodeRecord | undefined> {
  const row = await db.selectFrom('signup_codes').select(['id', 'household_id', 'expires_at', 'superseded_at', 'used_at']).where('code_hash', '=', codeHash).forUpdate().executeTakeFirst();
  return row && { id: row.id, householdId: row.household_id, expiresAt: row.expires_at, supersededAt: row.superseded_at, usedAt: row.used_at };
}

export async function markSignupCodeUsed(db: Db, id: string, at: Date, userId: string): Promise<void> {
  await db.updateTable('signup_codes').set({ used_at: at, used_by: userId }).where('id', '=', id).execute();
}
