/**
 * Accounts in bulk from the grid (issue #15, item 5), one admin action: a unit-chief account for
 * each corridor (or group of `corridorsPerChief` corridors of one community) that has none yet,
 * and the staff each community still lacks, all under one area. Idempotent: a corridor that has a
 * unit chief never gets a second one, so running it again creates only what is missing.
 *
 * Each account gets a one-time password, which its owner must change at first login (the
 * existing must_change_password flow). The passwords are shown once, in the answer (JSON or the
 * printable sheet), and stored only hashed; `render` runs inside the transaction, so a sheet that
 * cannot be made leaves no account behind whose password nobody saw.
 */
import { bulkUsername, planBulkAccounts, type BulkOptions, type PlannedAccount } from '../../domain/account-bulk';
import type { Actor } from '../../domain/access';
import { AppError } from '../../shared/errors';
import { countStaff, findBulkScope, findCoveredCorridors, findTakenUsernames, insertBulkUsers, lockBulkAccounts, type BulkUserRow } from '../../store/account-bulk.repository';
import type { Db } from '../../store/db';
import { findArea } from '../../store/grid.repository';
import { guardRole } from './access-guard';
import type { AuditEntry, AuditService } from './audit.service';
import { hashPassword, newOneTimePassword, ONE_TIME_SCRYPT_COST, type ScryptCost } from './auth-secrets';

export interface BulkAccountsDeps {
  db: Db;
  audit: AuditService;
}

export interface BulkAccountsInput extends BulkOptions {
  areaId: string;
}

export interface IssuedAccount {
  userId: string;
  username: string;
  role: 'coordinator' | 'community_staff';
  communityId: string;
  communityName: string;
  corridors: { id: string; name: string }[];
  /** Shown this once; only its hash is stored. */
  oneTimePassword: string;
}

export interface BulkAccountsResult {
  areaId: string;
  areaName: string;
  created: { coordinators: number; staff: number };
  /** Corridors of the area that had a unit chief already (left as they are). */
  corridorsAlreadyCovered: number;
  corridors: number;
  communities: number;
  accounts: IssuedAccount[];
}

export interface BulkAccountsOptions<T> {
  reqId?: string | undefined;
  /** Hashing cost of the one-time passwords; default ONE_TIME_SCRYPT_COST. */
  scryptCost?: ScryptCost;
  /** Makes what the caller is handed (e.g. the PDF sheet) before the accounts are committed. */
  render?: (result: BulkAccountsResult) => Promise<T>;
}

/** Parallel hashes: libuv's thread pool (4 by default) runs them; more would only queue. */
const HASH_CONCURRENCY = 4;

async function hashAll(passwords: readonly string[], cost: ScryptCost): Promise<string[]> {
  const out: string[] = new Array<string>(passwords.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < passwords.length; i = next++) out[i] = await hashPassword(passwords[i] as string, cost);
  };
  await Promise.all(Array.from({ length: HASH_CONCURRENCY }, lane));
  return out;
}

/** Usernames for the plan, each free in the database and in the plan (longer id parts where taken). */
async function chooseUsernames(db: Db, planned: readonly PlannedAccount[]): Promise<string[]> {
  const names = planned.map((p) => bulkUsername(p));
  const taken = await findTakenUsernames(db, names);
  const used = new Set<string>();
  return Promise.all(
    planned.map(async (p, i) => {
      let name = names[i] as string;
      for (let extra = 2; taken.has(name.toLowerCase()) || used.has(name.toLowerCase()); extra += 2) {
        name = bulkUsername(p, extra);
        if (extra > 22) throw new AppError('conflict', 'no free username for a new account');
        if ((await findTakenUsernames(db, [name])).size > 0) taken.add(name.toLowerCase());
      }
      used.add(name.toLowerCase());
      return name;
    }),
  );
}

export async function createAccountsInBulk<T = undefined>(
  deps: BulkAccountsDeps,
  actor: Actor,
  input: BulkAccountsInput,
  options: BulkAccountsOptions<T> = {},
): Promise<{ result: BulkAccountsResult; rendered: T | undefined }> {
  await guardRole({ audit: deps.audit, reqId: options.reqId }, actor, ['admin'], 'accounts.bulk', 'area', input.areaId);
  const area = await findArea(deps.db, input.areaId);
  if (!area || area.kind === 'corridor') {
    throw new AppError('validation', 'areaId: no such area', { errors: [{ path: ['areaId'], message: 'not a district, street, community or building' }] });
  }
  return deps.db.transaction().execute(async (trx) => {
    await lockBulkAccounts(trx);
    const scope = await findBulkScope(trx, area.id);
    const covered = await findCoveredCorridors(trx, scope.corridors.map((c) => c.id));
    const staff = await countStaff(trx, scope.communities.map((c) => c.id));
    const planned = planBulkAccounts(scope.corridors, scope.communities, covered, staff, input);
    const usernames = await chooseUsernames(trx, planned);
    const passwords = planned.map(() => newOneTimePassword());
    const hashes = await hashAll(passwords, options.scryptCost ?? ONE_TIME_SCRYPT_COST);
    const rows: BulkUserRow[] = planned.map((p, i) => ({
      username: usernames[i] as string,
      passwordHash: hashes[i] as string,
      role: p.role,
      corridorIds: p.role === 'coordinator' ? p.corridorIds : [],
      communityId: p.communityId,
    }));
    const ids = await insertBulkUsers(trx, rows);

    const communityName = new Map(scope.communities.map((c) => [c.id, c.name]));
    const corridorName = new Map(scope.corridors.map((c) => [c.id, c.name]));
    const accounts: IssuedAccount[] = planned.map((p, i) => ({
      userId: ids[i] as string,
      username: usernames[i] as string,
      role: p.role,
      communityId: p.communityId,
      communityName: communityName.get(p.communityId) ?? '',
      corridors: p.role === 'coordinator' ? p.corridorIds.map((id) => ({ id, name: corridorName.get(id) ?? '' })) : [],
      oneTimePassword: passwords[i] as string,
    }));
    const entries: AuditEntry[] = [
      { actor, action: 'accounts.bulk', subjectType: 'area', subjectId: area.id, outcome: 'allowed', reqId: options.reqId ?? null },
      ...ids.map((id): AuditEntry => ({ actor, action: 'user.create', subjectType: 'user', subjectId: id, outcome: 'allowed', reqId: options.reqId ?? null })),
    ];
    for (let i = 0; i < entries.length; i += 2_000) await deps.audit.recordMany(entries.slice(i, i + 2_000), trx);

    const result: BulkAccountsResult = {
      areaId: area.id,
      areaName: area.name,
      created: { coordinators: accounts.filter((a) => a.role === 'coordinator').length, staff: accounts.filter((a) => a.role === 'community_staff').length },
      corridorsAlreadyCovered: covered.size,
      corridors: scope.corridors.length,
      communities: scope.communities.length,
      accounts,
    };
    const rendered = options.render ? await options.render(result) : undefined;
    return { result, rendered };
  });
}
