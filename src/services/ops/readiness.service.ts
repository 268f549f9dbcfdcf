/**
 * Readiness (GET /readyz on the API and on the workers' probe port): named checks, each bounded in
 * time, run together. A process adds what it depends on: the database, Redis, migrations at head,
 * and where BullMQ workers run in it, their heartbeat. Liveness (/healthz) checks nothing: a
 * process whose Redis is away is alive, only not ready, and must not be restarted for it.
 */
import type { ReadinessResponse } from '../../contracts/health.contract';
import { pendingMigrations, type Database } from '../../store/db';

/** Resolves when passing, throws (or times out) when not. */
export type ReadinessCheck = () => Promise<unknown>;

export interface Readiness {
  add(name: string, check: ReadinessCheck): void;
  run(): Promise<ReadinessResponse>;
  /** Each check's outcome, for the `cordon_readiness_check` gauge. */
  snapshot(): Promise<Record<string, boolean>>;
}

/** Longest a check may take before it counts as failing: a probe must answer before its orchestrator gives up. */
const CHECK_TIMEOUT_MS = 2000;

const within = <T>(ms: number, p: Promise<T>): Promise<T> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

export function createReadiness(): Readiness {
  const checks = new Map<string, ReadinessCheck>();
  const snapshot = async (): Promise<Record<string, boolean>> => {
    const entries = await Promise.all([...checks].map(async ([name, check]) => [name, await within(CHECK_TIMEOUT_MS, check()).then(() => true, () => false)] as const));
    return Object.fromEntries(entries);
  };
  return {
    add: (name, check) => void checks.set(name, check),
    snapshot,
    async run() {
      const outcome = await snapshot();
      const failing = Object.keys(outcome).filter((k) => !outcome[k]);
      const named = Object.fromEntries(Object.entries(outcome).map(([k, ok]) => [k, ok ? ('ok' as const) : ('down' as const)]));
      return { status: failing.length ? 'not_ready' : 'ready', checks: named, failing };
    },
  };
}

/** The checks every process has: the database answers and is at this code's latest migration, Redis answers. */
export function addDependencyChecks(readiness: Readiness, deps: { database: Database; redisPing?: (() => Promise<unknown>) | undefined }): void {
  readiness.add('database', () => deps.database.ping());
  readiness.add('migrations', async () => {
    const pending = await pendingMigrations(deps.database);
    if (pending.length) throw new Error(`migrations not run: ${pending.join(', ')}`);
  });
  if (deps.redisPing) readiness.add('redis', deps.redisPing);
}
