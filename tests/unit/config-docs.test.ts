/**
 * Every setting is documented: each variable of the one config schema (API and workers) has a row
 * in the README's configuration table, and the table names nothing the schema does not read. Every
 * setting the code reads (`config.X` in src/ and workers/) is one of them, and nothing reads the
 * environment past the config module, so a worker setting can't live on its own again.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/config';

const root = resolve(__dirname, '..', '..');
const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
/** The TypeScript sources of a folder, recursively (the web app, which reads no environment, aside). */
const sources = (dir: string): { path: string; text: string }[] =>
  readdirSync(resolve(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return path === join('src', 'web') ? [] : sources(path);
    return /\.(ts|mts)$/.test(e.name) ? [{ path, text: readFileSync(resolve(root, path), 'utf8') }] : [];
  });
const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 5));
/** Variable names in the first column of the table's rows. */
const documented = new Set(section.split('\n').filter((l) => l.startsWith('| `')).flatMap((l) => [...(l.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!)));

describe('configuration table', () => {
  it('documents every variable the config schema reads', () => {
    const missing = Object.keys(configSchema.shape).filter((k) => !documented.has(k));
    expect(missing).toEqual([]);
  });

  it('documents every setting the workers and the API read (config.X in workers/ and src/)', () => {
    const read = (dir: string) => new Set(sources(dir).flatMap((f) => [...f.text.matchAll(/\bconfig\.([A-Z][A-Z0-9_]+)\b/g)].map((m) => m[1]!)));
    const workers = [...read('workers')];
    // The workers' own settings (WORKER_*, the probe port, the schedule) are among them.
    expect(workers).toEqual(expect.arrayContaining(['WORKER_QUEUES', 'WORKER_SOLVE_CONCURRENCY', 'WORKER_PROBE_PORT', 'RECONCILE_EVERY_MS']));
    expect([...workers, ...read('src')].filter((k) => !documented.has(k))).toEqual([]);
  });

  it('no code reads a variable past the config module (only PATH, to find redis-server)', () => {
    const direct = ['src', 'workers', 'config'].flatMap((dir) => sources(dir)).flatMap((f) =>
      [...f.text.matchAll(/process\.env(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[['"]([^'"]+)['"]\])/g)].map((m) => `${f.path}: ${m[1] ?? m[2]}`));
    expect(direct.filter((d) => !d.endsWith(': PATH'))).toEqual([]);
  });

  it('documents no variable the schema does not read', () => {
    const unknown = [...documented].filter((k) => !(k in configSchema.shape));
    expect(unknown).toEqual([]);
  });
});
