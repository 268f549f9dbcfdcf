/**
 * API_PROCESSES > 1: `src/main.ts` as a real process, a cluster of two API processes on one port.
 * Broke before: an API process that died was logged and never replaced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, type Database } from '../../src/store/db';
import { dropPrefix, freePort, REDIS_URL, uniquePrefix, until } from './queue.fixtures';
import { DATABASE_URL, openTestDatabase } from './round.fixtures';
import { childPidsOf, pidsTagged, spawnApi, type ApiProcess } from './process.fixtures';

const prefix = uniquePrefix('cluster');
let database: Database;
let api: ApiProcess | undefined;

beforeAll(async () => {
  database = await openTestDatabase('api_cluster');
});
afterAll(async () => {
  for (const pid of api ? pidsTagged(api.tag) : []) process.kill(pid, 'SIGKILL');
  await dropPrefix(REDIS_URL, prefix);
  await dropSchema(database);
  await database.close();
});

/** The port answers at all (any HTTP status): what a dead process must not take away. */
const answering = async (url: string) => {
  try {
    return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(15_000) })).status > 0;
  } catch {
    return false;
  }
};

const healthy = async (url: string) => {
  try {
    // Bounded: a probe that hung would otherwise eat the whole test's time.
    return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) })).status === 200;
  } catch {
    return false;
  }
};

describe('API cluster', () => {
  it('a dead API process was logged but not replaced: now a new one takes its place and the port keeps answering', async () => {
    api = spawnApi({ DATABASE_URL, DATABASE_SCHEMA: database.schema, DATABASE_POOL_SIZE: '3', API_PROCESSES: '2', PORT: String(await freePort()), QUEUE_PREFIX: prefix });
    const url = await api.url();
    const primary = api.proc.pid!;
    await until(() => childPidsOf(primary).length === 2, 30_000);
    const [victim, survivor] = childPidsOf(primary) as [number, number];
    process.kill(victim, 'SIGKILL');
    // Until the primary has seen the exit, the round-robin scheduler may still hand a new connection to
    // the dead process (node closes it): a client retries that. From then on no connection is refused.
    await until(() => api!.lines.some((l) => l.includes('API process died; replacing it')), 30_000);
    let answers = 0;
    let refusals = 0;
    const log = () => `\n--- the cluster's log:\n${api!.lines.slice(-40).join('\n')}`;
    await until(async () => {
      // Meanwhile the other process serves the port (a 503 while the machine is loaded still answers:
      // /health also checks the database and Redis, which is not what this test is about).
      if (await answering(url)) answers++;
      else refusals++;
      const now = childPidsOf(primary);
      return now.length === 2 && !now.includes(victim) && api!.lines.some((l) => l.includes('API process replaced'));
    }, 60_000, 100).catch((err: Error) => {
      throw new Error(`${err.message} (children now: ${childPidsOf(primary).join(', ')}; survivor ${survivor})${log()}`);
    });
    expect(childPidsOf(primary), log()).toContain(survivor);
    expect({ answers, refusals }, log()).toMatchObject({ refusals: 0 });
    expect(answers, log()).toBeGreaterThan(0);
    expect(api.lines.some((l) => l.includes('API process died; replacing it'))).toBe(true);
    // Both processes serve: a batch of fresh connections all answer.
    const batch = await Promise.all(Array.from({ length: 10 }, () => healthy(url)));
    expect(batch.every(Boolean)).toBe(true);

    // Stopping does not replace anything, and leaves nothing behind.
    api.proc.kill('SIGTERM');
    expect(await api.exited).toEqual({ code: 0, signal: null });
    expect(api.lines.filter((l) => l.includes('API process died')).length).toBe(1);
    await until(() => pidsTagged(api!.tag).length === 0, 10_000);
  }, 240_000);
});
