import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Integration tests share one Postgres and one Redis; files isolate themselves by schema / queue prefix.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Every workers process a test starts (and its children inherit this) takes a free probe port:
    // the default 9464 would be taken by the first of several running side by side.
    env: { WORKER_PROBE_PORT: '0' },
  },
});
