/**
 * Every setting is documented: each variable of the one config schema (API and workers) has a row
 * in the README's configuration table, and the table names nothing the schema does not read.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/config';

const readme = readFileSync(resolve(__dirname, '..', '..', 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 5));
/** Variable names in the first column of the table's rows. */
const documented = new Set(section.split('\n').filter((l) => l.startsWith('| `')).flatMap((l) => [...(l.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!)));

describe('configuration table', () => {
  it('documents every variable the config schema reads', () => {
    const missing = Object.keys(configSchema.shape).filter((k) => !documented.has(k));
    expect(missing).toEqual([]);
  });

  it('documents no variable the schema does not read', () => {
    const unknown = [...documented].filter((k) => !(k in configSchema.shape));
    expect(unknown).toEqual([]);
  });
});
