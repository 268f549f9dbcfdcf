/**
 * Notices expand a batch of captured events in a fixed number of statements, whatever its size
 * (issue #21): a cycle's 137,000 entitlements each capture a `need accepted` event, and expanding
 * them one statement (and a savepoint) per event was two thirds of every statement the database got
 * in the district day's first minutes. Checked on the real PostgreSQL: forty events and one that
 * cannot be read cost about ten statements; each resident is told of each of their needs, in event
 * order, up to the hourly limit (the rest stored as suppressed); the unreadable event is passed over
 * alone; a household with no resident account gets nothing.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/services/access/auth-accounts.service';
import { expandNoticeEvents } from '../../src/services/notices/notice-expand.service';
import type { NoticeSettings } from '../../src/services/notices/notice-settings';
import { ManualClock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import { captureEvents } from '../../src/store/notice.repository';
import { FAST_SCRYPT, PASSWORD, startWorld, statementCounter, type World } from './auth.fixture';

const counter = statementCounter();

const clock = new ManualClock('2026-12-03T04:00:00Z');
const settings: NoticeSettings = {
  defaults: { language: 'en', channels: ['sms'], quiet: null, timeZone: 'Asia/Shanghai' },
  available: new Set(['sms']),
  ratePerHour: 3,
  allowHosts: [],
  vapidPublicKey: null,
};

let w: World;
const residentOf = new Map<string, string>();
beforeAll(async () => {
  w = await startWorld('notice_batch', { clock, plugin: counter.plugin });
  // h1's resident comes with the world; h2 and h3 get one each; h4 has none.
  for (const [i, householdId] of [w.grid.h2, w.grid.h3].entries()) {
    await createAccount(w.deps, { username: `resident${i}.notice_batch`, password: PASSWORD, role: 'resident', assignments: { householdId } }, { scryptCost: FAST_SCRYPT });
  }
  for (const [i, householdId] of [w.grid.h1, w.grid.h2, w.grid.h3].entries()) {
    await sql`update households set phone = ${`+86138000001${i}0`} where id = ${householdId}`.execute(w.database.db);
    const user = await sql<{ id: string }>`select id from users where role = 'resident' and household_id = ${householdId}`.execute(w.database.db);
    expect(user.rows).toHaveLength(1);
    residentOf.set(householdId, user.rows[0]!.id);
  }
}, 60_000);
afterAll(async () => {
  await w?.close();
});

describe('notice expansion in batches', () => {
  it('expands forty need events and an unreadable one in a handful of statements, with the rate limit in event order', async () => {
    const households = [w.grid.h1, w.grid.h2, w.grid.h3, w.grid.h4];
    const needs = Array.from({ length: 40 }, (_, i) => ({ needId: randomUUID(), householdId: households[i % 4]! }));
    const at = clock.now();
    const event = (data: Record<string, unknown>) => ({ eventId: randomUUID(), type: String(data.type), at, batchId: null, data });
    await captureEvents(w.database.db, [
      ...needs.slice(0, 20).map((n) => event({ type: 'need.status_changed', status: 'accepted', previousStatus: 'submitted', needId: n.needId, householdId: n.householdId })),
      // A pass id that is not one: reading its legs fails, and only this event is passed over.
      event({ type: 'pass.state', state: 'approved', passId: 'not-a-pass', householdId: w.grid.h1 }),
      ...needs.slice(20).map((n) => event({ type: 'need.status_changed', status: 'accepted', previousStatus: 'submitted', needId: n.needId, householdId: n.householdId })),
    ]);

    const logger = createLogger({ level: 'silent' });
    const before = counter.count();
    expect(await expandNoticeEvents({ db: w.deps.db, clock, logger, settings }, 100)).toBe(41);
    const sent = counter.count() - before;
    // take, savepoint, the pass's legs, rollback, residents, counts, preferences, push, insert, mark: not one per event.
    expect(sent).toBeLessThanOrEqual(12);

    const rows = (await sql<{ user_id: string; dedup_key: string; status: string; suppressed_reason: string | null }>`
      select user_id, dedup_key, status, suppressed_reason from notices where kind = 'need_accepted' order by id`.execute(w.database.db)).rows;
    expect(rows).toHaveLength(30); // ten needs for each of the three residents; none for h4, which has no account
    for (const [householdId, userId] of residentOf) {
      const mine = needs.filter((n) => n.householdId === householdId).map((n) => `need_accepted:${n.needId}`);
      const theirs = rows.filter((r) => r.user_id === userId);
      expect(theirs.map((r) => r.dedup_key).sort()).toEqual([...mine].sort());
      // The first three in event order are sent; the rest are over the hour's limit.
      const pending = theirs.filter((r) => r.status === 'pending').map((r) => r.dedup_key);
      expect(pending.sort()).toEqual(mine.slice(0, 3).sort());
      expect(theirs.filter((r) => r.status === 'suppressed').every((r) => r.suppressed_reason === 'rate_limited')).toBe(true);
    }
    const left = await sql<{ n: string }>`select count(*) as n from notice_events where expanded_at is null`.execute(w.database.db);
    expect(left.rows[0]!.n).toBe('0');
  });
});
