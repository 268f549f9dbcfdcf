/**
 * Orders test files longest first, so that with several vitest workers no long file (a browser
 * test, a file spawning worker processes) starts last and runs alone while the other workers idle.
 *
 * vitest's own order uses the durations it cached from the last run on this machine
 * (node_modules/.vite): a clean clone has none and falls back to file size, which says little
 * here (a short file can start the whole service and a browser). So: the cached duration when
 * vitest has one for every file, else the durations measured once and kept in
 * tests/file-durations.json (refresh: `npx tsx tests/file-durations.update.ts`), then file size.
 */
import { readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const measured = JSON.parse(readFileSync(new URL('./file-durations.json', import.meta.url), 'utf8')) as Record<string, number>;

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const path = (spec: TestSpecification) => relative(root, spec.moduleId);
    const cached = (spec: TestSpecification) => this.ctx.cache.getFileTestResults(`${spec.project.name}:${path(spec)}`);
    // vitest's order also runs last time's failures first; keep it wherever it knows every file.
    if (files.every((spec) => cached(spec) !== undefined)) return super.sort(files);
    // Seconds; a file not measured yet counts a second per 10 kB of source (a new file is rarely the slowest).
    const weight = (spec: TestSpecification) => measured[path(spec)] ?? statSync(spec.moduleId).size / 10_000;
    return [...files].sort((a, b) => weight(b) - weight(a));
  }
}
