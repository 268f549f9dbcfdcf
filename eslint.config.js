// Folder boundaries from ../shared/STYLE.md, enforced so nobody has to remember them.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const forbid = (...groups) => ({
  'no-restricted-imports': ['error', { patterns: groups.map((g) => ({ group: g.from, message: g.why })) }],
});
const io = ['express', 'socket.io', 'socket.io-client', 'bullmq', 'ioredis', 'pg', 'kysely', '@electric-sql/pglite', 'pino', 'pino-http', 'node:fs', 'fs'];

export default tseslint.config(
  { ignores: ['node_modules', 'data', 'dist', 'bench/results', 'src/web/dist'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/planning/**/*.ts'],
    ignores: ['src/planning/cli.ts'],
    rules: forbid({ from: [...io, '**/config/**', '**/store/**', '**/services/**', '**/http/**', '**/live/**', '**/queue/**', '**/shared/**'], why: 'src/planning is pure: it imports src/domain only (no I/O, env, logger or clock).' }),
  },
  {
    files: ['src/domain/**/*.ts', 'src/shared/**/*.ts'],
    rules: forbid({ from: [...io.filter((m) => m !== 'pino'), '**/config/**', '**/store/**', '**/services/**', '**/http/**', '**/live/**', '**/queue/**', '**/planning/**'], why: 'domain and shared import nothing app-level.' }),
  },
  {
    files: ['src/services/**/*.ts'],
    rules: forbid({ from: ['express', 'socket.io', '**/http/**', '**/live/**'], why: 'services never touch express or socket.io.' }),
  },
  {
    files: ['src/store/**/*.ts'],
    rules: forbid({ from: ['express', 'socket.io', 'bullmq', '**/http/**', '**/live/**', '**/queue/**', '**/services/**', '**/planning/**'], why: 'store returns plain objects; it knows nothing above it.' }),
  },
  {
    files: ['src/contracts/**/*.ts'],
    rules: forbid({ from: [...io, '**/store/**', '**/services/**', '**/http/**', '**/live/**', '**/queue/**'], why: 'contracts are zod schemas and types only.' }),
  },
  {
    files: ['workers/**/*.ts'],
    rules: forbid({ from: ['express', 'socket.io', '**/http/**', '**/live/server*'], why: 'workers publish through the Redis emitter, never through HTTP or the Socket.IO server.' }),
  },
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
