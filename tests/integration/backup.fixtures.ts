/**
 * The restore drill's district and its fingerprint: the demo district seeded, needs submitted through
 * intake, a round planned, approved and dispatched (with the audit rows the routes write), on any
 * database; and every table's row count and checksum, to compare a restore with what was backed up.
 */
import { sql } from 'kysely';
import { seedDemoDistrict } from '../../src/demo/demo-district.seed';
import type { Actor } from '../../src/domain/access';
import { createAuditService } from '../../src/services/access/audit.service';
import { submitNeed } from '../../src/services/needs/intake.service';
import { approveRound, dispatchRound, mergeRound, startRound } from '../../src/services/rounds/round.service';
import { solveSubproblem } from '../../src/services/rounds/round-solve.service';
import { ManualClock } from '../../src/shared/clock';
import type { Db } from '../../src/store/db';
import { listSubproblems } from '../../src/store/round.repository';

const admin: Actor = { userId: 'admin-drill', role: 'admin', corridorIds: [], communityIds: [] };
const producers = { ready: () => true, addRoundFlow: async () => undefined };

/** Seeds the demo district, submits needs, plans and dispatches a food round; returns the round id. */
export async function liveDistrict(db: Db): Promise<string> {
  const clock = new ManualClock('2026-11-23T08:00:00Z');
  await seedDemoDistrict({ db, clock, foodCycleDays: 3 }, { scryptCost: { N: 1024, r: 8, p: 1 } });
  const audit = createAuditService({ db });
  const intake = { db, clock, audit, foodCycleDays: 3 };
  const households = await db.selectFrom('households').select('id').orderBy('id').limit(3).execute();
  for (const h of households) {
    await submitNeed(intake, admin, h.id, { kind: 'food_package', details: {}, onDuplicate: 'keep_larger' }, { reqId: `drill-${h.id.slice(0, 8)}` });
  }
  const district = await db.selectFrom('areas').select('id').where('kind', '=', 'district').executeTakeFirstOrThrow();
  const { round } = await startRound({ db, producers, defaultTimeLimitMs: 200 }, { areaId: district.id, kind: 'food', actor: admin.userId });
  for (const s of await listSubproblems(db, round.id)) await solveSubproblem({ db, now: () => performance.now() }, round.id, s.id);
  if ((await mergeRound(db, round.id, clock)) !== 'stored') throw new Error('the drill round was not stored');
  await approveRound(db, round.id, admin.userId);
  await dispatchRound(db, round.id, admin.userId, clock);
  for (const action of ['round.start', 'round.approve', 'round.dispatch'] as const) {
    await audit.record({ actor: admin, action, subjectType: 'round', subjectId: round.id, outcome: 'allowed', reqId: `drill-${action}` });
  }
  return round.id;
}

export interface TablePrint { rows: number; md5: string }

/**
 * Every table of the current schema: its row count and the md5 of its rows as text, in a fixed order
 * (by the row's text, which is unique per row whenever a primary key is: no table here has none).
 */
export async function fingerprint(db: Db): Promise<Record<string, TablePrint>> {
  const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db);
  const out: Record<string, TablePrint> = {};
  for (const { name } of tables.rows) {
    const { rows } = await sql<{ n: number; h: string }>`select count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h
      from ${sql.table(name)} t`.execute(db);
    out[name] = { rows: rows[0]!.n, md5: rows[0]!.h };
  }
  return out;
}
