/**
 * `npm run bench` runs every benchmark in bench/*.bench.ts; `npm run bench -- NAME` runs one.
 * A benchmark module exports `run(args)`: it prints its own readable table and returns the metrics,
 * which are written to bench/results/NAME.json as { name, at, metrics } (see ../shared/BENCH.md).
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type Metrics = Record<string, number | string | null>;
export interface Bench { run(args: string[]): Promise<Metrics> }

const here = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const [only, ...rest] = process.argv.slice(2).filter((a) => a !== '--');
  const all = (await readdir(here)).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace('.bench.ts', '')).sort();
  const names = only ? [only] : all;
  if (only && !all.includes(only)) {
    console.error(`unknown benchmark "${only}"; known: ${all.join(', ')}`);
    process.exit(2);
  }
  await mkdir(join(here, 'results'), { recursive: true });
  let failed = 0;
  for (const name of names) {
    console.log(`\n=== bench ${name} ===`);
    try {
      const mod = (await import(pathToFileURL(join(here, `${name}.bench.ts`)).href)) as Bench;
      const metrics = await mod.run(rest);
      const result = { name, at: new Date().toISOString(), metrics };
      await writeFile(join(here, 'results', `${name}.json`), JSON.stringify(result, null, 2) + '\n');
      console.log(JSON.stringify(result));
    } catch (err) {
      failed++;
      console.error(`bench ${name} failed:`, err);
    }
  }
  process.exit(failed ? 1 : 0);
}

await main();
