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
    rules: forbid(
      { from: ['express', 'socket.io', '**/http/**', '**/live/**'], why: 'workers publish through the Redis emitter, never through HTTP or the Socket.IO server.' },
      { from: ['**/store/**', '!**/store/db'], why: 'workers parse a payload and call a service, like a route does; only the connection (store/db) is theirs to open.' },
    ),
  },
  {
    files: ['src/http/**/*.ts'],
    rules: forbid({ from: ['**/store/**', '!**/store/db', '**/planning/**', '**/live/**', 'kysely', 'pg', 'bullmq', 'socket.io'], why: 'routes call services; SQL lives in src/store behind them (the database handle type from store/db is the one exception).' }),
  },
  {
    files: ['src/live/**/*.ts'],
    rules: forbid({ from: ['**/store/**', '!**/store/db', '**/http/**', '**/planning/**', 'express', 'kysely', 'pg'], why: 'the Socket.IO server calls services; SQL lives in src/store.' }),
  },
  {
    files: ['src/web/**/*.ts', 'src/web/**/*.tsx'],
    rules: forbid({ from: ['**/domain/**', '**/services/**', '**/store/**', '**/http/**', '**/live/**', '**/planning/**', '**/queue/**', '**/shared/**', '**/config/**', '../../../*.ts', 'zod', 'express', 'socket.io'], why: 'the web app knows the server only through src/contracts (and bundles what it imports).' }),
  },
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // The service worker runs in the browser's worker scope, not in Node or a page.
    files: ['src/web/public/sw.js'],
    languageOptions: { globals: { self: 'readonly', URL: 'readonly', clients: 'readonly', console: 'readonly' } },
  },
);
