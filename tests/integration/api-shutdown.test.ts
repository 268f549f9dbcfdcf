/**
 * SIGTERM while clients keep their keep-alive connections busy with intake (`src/main.ts` as a real
 * process, workers inline). Broke before: `server.close()` waited for busy keep-alive connections,
 * which never go idle, so the API went on accepting needs until it was killed; and the need-status
 * relay was stopped first, so needs accepted meanwhile got their live event only after a restart.
 */
import { Agent } from 'node:http';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHUTDOWN_GRACE_MS } from '../../src/service-startup';
import { dropSchema, type Database } from '../../src/store/db';
import { dropPrefix, REDIS_URL, uniquePrefix, until } from './queue.fixtures';
import { DATABASE_URL, openTestDatabase } from './round.fixtures';
import { loginAdmin, pidsTagged, postNeed, seedIntake, spawnApi, type ApiProcess } from './process.fixtures';

/** The two tables read here, as this test sees them. */
interface EventTables {
  live_events: { type: string; payload: unknown };
  outbox: { payload: unknown; published_at: Date | null };
}

const prefix = uniquePrefix('shutdown');
const CLIENTS = 12;
let database: Database;
let households: string[];
const started: ApiProcess[] = [];

beforeAll(async () => {
  database = await openTestDatabase('api_shutdown');
  households = await seedIntake(database, 40);
});
afterAll(async () => {
  for (const pid of started.flatMap((a) => pidsTagged(a.tag))) process.kill(pid, 'SIGKILL');
  await dropPrefix(REDIS_URL, prefix);
  await dropSchema(database);
  await database.close();
});

describe('SIGTERM under keep-alive intake', () => {
  // Two API processes: their primary relays need status changes, and must still publish what the
  // processes' last requests committed after they exited.
  it.each(['1', '2'])('SIGTERM never finished while clients kept their keep-alive connections busy: now it stops accepting, answers what is in flight, publishes every event and exits within the grace period (API_PROCESSES=%s)', async (processes) => {
    const api = spawnApi({
      DATABASE_URL, DATABASE_SCHEMA: database.schema, DATABASE_POOL_SIZE: '6', WORKERS: 'inline', API_PROCESSES: processes,
      QUEUE_PREFIX: prefix, LIVE_EVENTS: '0', RECONCILE_EVERY_MS: '0',
    });
    started.push(api);
    const url = await api.url();
    const token = await loginAdmin(url);
    const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
    const accepted: string[] = [];
    let signalled = false;
    let answeredAfterSignal = 0;
    let n = 0;
    const client = async () => {
      // Each client keeps its connection busy, request after request, until the server is gone.
      for (;;) {
        const i = n++;
        try {
          const answer = await postNeed(url, agent, token, households[i % households.length]!, i);
          if (answer.needId) accepted.push(answer.needId);
          if (signalled) answeredAfterSignal++;
        } catch {
          if (signalled) return; // refused or closed: the server stopped
        }
      }
    };
    const clients = Array.from({ length: CLIENTS }, () => client());
    await until(() => accepted.length >= 100, 60_000);
    signalled = true;
    api.proc.kill('SIGTERM');
    // Only a bound on the wait: past its own stop deadline (grace period + 15 s) the process exits 1.
    const deadline = SHUTDOWN_GRACE_MS + 30_000;
    const exit = await Promise.race([api.exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), deadline))]);
    if (exit === 'still running') api.proc.kill('SIGKILL');
    await Promise.all(clients);
    agent.destroy();
    // Exit 0 is a stop that finished (waiting on server.close() it never did), and nothing was cut at
    // the end of the grace period: every request in flight was answered. How long it took is the
    // grace period's business, not this test's.
    expect(exit, `still running ${deadline} ms after SIGTERM`).toEqual({ code: 0, signal: null });
    expect(api.lines.some((l) => /stopped cleanly/.test(l))).toBe(true);
    expect(api.lines.filter((l) => /were cut/.test(l))).toEqual([]);
    // Stopped accepting: each client got at most the answer in flight and one on its reused connection.
    expect(answeredAfterSignal).toBeLessThanOrEqual(2 * CLIENTS);
    expect(pidsTagged(api.tag)).toEqual([]);

    const ids = [...new Set(accepted)];
    const stored = await database.db.selectFrom('needs').select('id').where('id', 'in', ids).execute();
    expect(stored.length).toBe(ids.length);
    // Every accepted need's change went out live before the exit, and its outbox event to the queue.
    const db = database.db as unknown as Kysely<EventTables>;
    const published = await db.selectFrom('live_events').select(sql<string>`distinct payload->>'needId'`.as('id'))
      .where('type', '=', 'need.status_changed').where(sql<string>`payload->>'needId'`, 'in', ids).execute();
    expect(published.length).toBe(ids.length);
    const unpublished = await db.selectFrom('outbox').select('payload').where('published_at', 'is', null).execute();
    expect(unpublished).toEqual([]);
  }, 120_000);
});
