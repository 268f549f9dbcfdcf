import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Integration tests share one Postgres and one Redis; files isolate themselves by schema / queue prefix.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
