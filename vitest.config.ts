import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './tests/longest-first.sequencer';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
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
  },
});
