/**
 * Writes tests/file-durations.json (read by longest-first.sequencer.ts) from the durations vitest
 * cached in its last run here: run the whole suite first (`npm test`), then this.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const project = createHash('sha1').update('').digest('hex'); // the default (unnamed) project
const cache = new URL(`../node_modules/.vite/vitest/${project}/results.json`, import.meta.url);
const { results } = JSON.parse(readFileSync(cache, 'utf8')) as { results: [string, { duration: number }][] };
const seconds = Object.fromEntries(
  results
    .map(([key, r]) => [key.slice(key.indexOf(':') + 1), Math.round(r.duration / 100) / 10] as const)
    .filter(([file]) => existsSync(new URL(`../${file}`, import.meta.url)))
    .sort(([a], [b]) => a.localeCompare(b)),
);
writeFileSync(new URL('./file-durations.json', import.meta.url), `${JSON.stringify(seconds, null, 2)}\n`);
console.log(`${Object.keys(seconds).length} files`);
