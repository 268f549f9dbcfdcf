import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './tests/longest-first.sequencer';

/**
 * Files that keep a process of their own (vitest's default isolation): they mock modules, fake
 * timers, change process.env, spawn or kill processes, hold PGlite or a browser, or run the app in a
 * worker thread; whatever they leave behind ends with their process.
 */
const ISOLATED = [
  'tests/e2e/**/*.test.ts',
  'tests/fuzz/**/*.test.ts',
  'tests/integration/*pglite*.test.ts',
  'tests/integration/api-cluster.test.ts',
  'tests/integration/api-shutdown.test.ts',
  'tests/integration/auth-rate-limit.test.ts',
  'tests/integration/backup-restore.test.ts',
  'tests/integration/change-notify.test.ts',
  'tests/integration/db-connection-faults.test.ts',
  'tests/integration/live-reliability.test.ts',
  'tests/integration/live-rooms.test.ts',
  'tests/integration/log-join.test.ts',
  'tests/integration/ops-metrics.test.ts',
  'tests/integration/queue-outbox.test.ts',
  'tests/integration/queue-producers.test.ts',
  'tests/integration/round-settle-race.test.ts',
  'tests/integration/service-start.test.ts',
  'tests/integration/solve-child-orphan.test.ts',
  'tests/integration/startup-failures.test.ts',
  'tests/integration/webhooks.test.ts',
  'tests/integration/worker-*.test.ts',
  'tests/unit/access-rate-limit.test.ts',
  'tests/unit/relay-loop.test.ts',
  'tests/unit/round-merge.test.ts',
  'tests/unit/solve-thread.test.ts',
  'tests/unit/web-gate-outbox.test.ts',
];

export default defineConfig({
  test: {
    // Integration tests share one Postgres and one Redis; files isolate themselves by schema / queue prefix.
    pool: 'forks',
    // vitest's default is a worker per core less one: on a 2-core machine a single worker, running the
    // suite file after file while most files wait on Postgres, Redis, a child process or the browser.
    maxWorkers: Math.max(3, availableParallelism() - 1),
    // Longest files first, so that none starts last and runs alone (tests/file-durations.json).
    sequence: { sequencer: LongestFirstSequencer },
    // A run id (tests/test-run.setup.ts): the e2e files build the web app once per run, not once each.
    globalSetup: ['tests/test-run.setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Every workers process a test starts (and its children inherit this) takes a free probe port:
    // the default 9464 would be taken by the first of several running side by side.
    env: { WORKER_PROBE_PORT: '0' },
    projects: [
      { extends: true, test: { name: 'isolated', include: ISOLATED } },
      // The rest share their worker processes and the modules loaded in them (the app, its ~900
      // modules): a fresh process per file loaded them again, 1.5-2.7 s of CPU a file here.
      { extends: true, test: { name: 'shared', include: ['tests/**/*.test.ts'], exclude: ISOLATED, isolate: false } },
    ],
  },
});
