import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/access';
import { onlyStaffMayCancel, mayActOnPass, PASS_ACTIONS, type PassSubject } from '../../src/domain/pass';
import { exportPublicKey, importPublicKey, passKeysFromSecret, readPassCode, signPassCode, verifyPassCode, type PassClaims } from '../../src/domain/pass-code';
import { allowedNext, assertPassTransition, canPassTransition, PASS_STATUSES, type PassStatus } from '../../src/domain/pass-status';
import { AppError } from '../../src/shared/errors';

/** The machine, written out by hand: every pair not listed here must be refused. */
const ALLOWED: Record<PassStatus, PassStatus[]> = {
  applied: ['under_review', 'cancelled', 'expired'],
  under_review: ['approved', 'refused', 'cancelled', 'expired'],
  approved: ['issued', 'cancelled', 'expired'],
  issued: ['outbound_done', 'returned', 'cancelled', 'overdue'],
  outbound_done: ['at_hospital', 'overdue'],
  at_hospital: ['return_done', 'overdue'],
  return_done: ['returned', 'overdue'],
  overdue: ['return_done', 'returned'],
  refused: [], returned: [], expired: [], cancelled: [],
};

describe('pass status machine', () => {
  for (const from of PASS_STATUSES) {
    for (const to of PASS_STATUSES) {
      const ok = ALLOWED[from].includes(to);
      it(`${from} > ${to} is ${ok ? 'allowed' : 'refused'}`, () => {
        expect(canPassTransition(from, to)).toBe(ok);
        if (ok) {
          expect(() => assertPassTransition(from, to, 'a reason')).not.toThrow();
        } else {
          let error: unknown;
          try { assertPassTransition(from, to, 'a reason'); } catch (e) { error = e; }
          expect(error).toBeInstanceOf(AppError);
          expect((error as AppError).code).toBe('invalid_transition');
          expect((error as AppError).status).toBe(409);
          expect((error as AppError).details).toMatchObject({ from, to });
        }
      });
    }
  }

  it('refusing needs a reason', () => {
    expect(() => assertPassTransition('under_review', 'refused')).toThrow(expect.objectContaining({ code: 'validation' }));
    expect(() => assertPassTransition('under_review', 'refused', '  ')).toThrow(expect.objectContaining({ code: 'validation' }));
  });

  it('the main path closes the loop', () => {
    const path: PassStatus[] = ['applied', 'under_review', 'approved', 'issued', 'outbound_done', 'at_hospital', 'return_done', 'returned'];
    for (let i = 1; i < path.length; i++) expect(canPassTransition(path[i - 1]!, path[i]!)).toBe(true);
    expect(allowedNext('returned')).toEqual([]);
  });
});

describe('pass policy', () => {
  const scope: PassSubject = { householdId: 'h1', corridorId: 'c1', communityId: 'm1', driverIds: ['d1', 'd3'] };
  const actor = (role: Actor['role'], extra: Partial<Actor> = {}): Actor => ({ userId: 'u', role, corridorIds: [], communityIds: [], ...extra });
  const resident = actor('resident', { householdId: 'h1' });
  const otherResident = actor('resident', { householdId: 'h2' });
  const coordinator = actor('coordinator', { corridorIds: ['c1'] });
  const staff = actor('community_staff', { communityIds: ['m1'] });
  const otherStaff = actor('community_staff', { communityIds: ['m2'] });
  const driver = actor('driver', { driverId: 'd1' });
  const otherDriver = actor('driver', { driverId: 'd2' });
  const dispatcher = actor('dispatcher');
  const table: [Actor, string, Record<string, boolean>][] = [
    [resident, 'resident', { apply: true, read: true, cancel: true, review: false, approve: false, issue: false, outbound_done: false, verify: false }],
    [otherResident, 'other resident', { apply: false, read: false, cancel: false }],
    [coordinator, 'coordinator', { apply: true, cancel: true, approve: false, verify: false }],
    [staff, 'staff', { apply: false, review: true, approve: true, refuse: true, issue: true, return: true, cancel: true, at_hospital: true, verify: true }],
    [otherStaff, 'staff elsewhere', { review: false, approve: false, issue: false, cancel: false, verify: true }],
    [driver, 'assigned driver', { outbound_done: true, at_hospital: true, return_done: true, approve: false, read: true, verify: true }],
    [otherDriver, 'other driver', { outbound_done: false, read: false, verify: true }],
    [actor('driver', { driverId: 'd3' }), 'driver of the return trip', { return_done: true, read: true, approve: false }],
    [dispatcher, 'dispatcher', { approve: false, apply: false, verify: true, read: true }],
  ];
  for (const [who, label, expected] of table) {
    it(`${label}`, () => {
      for (const [action, ok] of Object.entries(expected)) {
        expect(PASS_ACTIONS).toContain(action);
        expect([action, mayActOnPass(who, action as (typeof PASS_ACTIONS)[number], scope)]).toEqual([action, ok]);
      }
    });
  }
  it('applicants withdraw only before the pass is out', () => {
    expect(onlyStaffMayCancel('approved')).toBe(false);
    expect(onlyStaffMayCancel('issued')).toBe(true);
    expect(onlyStaffMayCancel('overdue')).toBe(true);
    // withdrawing an already cancelled pass is the status machine's 409, not a refusal of access
    expect(onlyStaffMayCancel('cancelled')).toBe(false);
  });
});

describe('pass code', () => {
  const keys = passKeysFromSecret('a-test-secret-that-is-long-enough-000');
  const claims: PassClaims = {
    passId: '0b9f0b6e-3c1e-4a7a-9a55-1f5d2c7e8a01', householdId: '5d7c2a10-8f3b-4c3e-b1a2-9e8d7c6b5a40',
    hospitalId: 'c3f1e2d4-5a6b-4c7d-8e9f-0a1b2c3d4e5f', person: 'Li Wei 李伟',
    validFrom: new Date('2026-03-01T08:00:00Z'), validUntil: new Date('2026-03-01T18:00:00Z'),
  };
  const inWindow = new Date('2026-03-01T12:00:00Z');

  it('verifies a valid code offline and reads back every claim; fits a QR code', () => {
    const code = signPassCode(claims, keys);
    expect(code.length).toBeLessThan(300);
    expect(verifyPassCode(code, keys.publicKey, inWindow)).toEqual({ ok: true, claims });
    expect(readPassCode(code)).toEqual(claims);
  });

  it('checkpoints verify with the exported public key alone; the same secret gives the same key', () => {
    const code = signPassCode(claims, keys);
    const checkpointKey = importPublicKey(exportPublicKey(keys.publicKey));
    expect(verifyPassCode(code, checkpointKey, inWindow).ok).toBe(true);
    expect(exportPublicKey(passKeysFromSecret('a-test-secret-that-is-long-enough-000').publicKey)).toBe(exportPublicKey(keys.publicKey));
  });

  it('refuses a forged code: edited claims, another key, garbage', () => {
    const code = signPassCode(claims, keys);
    const [prefix, payload, sig] = code.split('.') as [string, string, string];
    const edited = Buffer.from(payload, 'base64url');
    edited.writeUInt32BE(edited.readUInt32BE(53) + 86_400, 53); // one more day of validity
    expect(verifyPassCode(`${prefix}.${edited.toString('base64url')}.${sig}`, keys.publicKey, inWindow)).toEqual({ ok: false, reason: 'bad_signature' });
    const other = generateKeyPairSync('ed25519');
    expect(verifyPassCode(signPassCode(claims, { privateKey: other.privateKey }), keys.publicKey, inWindow)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyPassCode('CP1.abc.def', keys.publicKey, inWindow)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyPassCode('hello', keys.publicKey, inWindow)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses outside the window and says which side', () => {
    const code = signPassCode(claims, keys);
    expect(verifyPassCode(code, keys.publicKey, new Date('2026-03-01T07:59:00Z'))).toMatchObject({ ok: false, reason: 'not_yet_valid' });
    expect(verifyPassCode(code, keys.publicKey, new Date('2026-03-01T18:00:01Z'))).toMatchObject({ ok: false, reason: 'expired' });
  });
});
