/**
 * Onboarding a district's household register (issue #15, item 2) through the real API into
 * PostgreSQL: a generated register of 150,000 households over 5,000 corridors (with 300 vehicles
 * in 5 depots, as a district has them) is uploaded as one CSV file to POST /api/households/import,
 * streamed both ways (the bench streams the file from disk; the API never holds it). Then the same
 * file again (a re-import: every row matched, nothing written), and the register as one .xlsx file
 * with every household changed (150,000 updates through the streaming .xlsx reader).
 *
 *   npm run bench -- onboarding [--households 150000] [--corridors 5000] [--xlsx 1]
 *
 * The grid is created directly in the database, as the other benches seed. peak_rss_mb is the API
 * process's peak resident set (VmHWM) over the CSV imports; peak_rss_mb_xlsx that of a fresh API process
 * over the .xlsx import.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { createAccount } from '../src/services/access/auth-accounts.service';
import { dropSchema, migrateToLatest, openDatabase, type Database } from '../src/store/db';
import { login, PG_URL, startApiServer, type ApiServer } from './api.server';
import { numberOption } from './options';
import type { Metrics } from './run';

const PASSWORD = 'bench-password-123';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A district: 5 streets, communities of 50 corridors, 5 depots with 60 vehicles each. */
async function seedDistrict(database: Database, corridors: number): Promise<string[]> {
  const db = database.db;
  const district = await db.insertInto('areas').values({ kind: 'district', parent_id: null, community_id: null, name: 'Bench District', lat: 31.2, lon: 121.45 }).returning('id').executeTakeFirstOrThrow();
  const ids: string[] = [];
  const communities = Math.ceil(corridors / 50);
  for (let s = 0; s < 5; s++) {
    const street = await db.insertInto('areas').values({ kind: 'street', parent_id: district.id, community_id: null, name: `Street ${s}`, lat: 31.2, lon: 121.45 }).returning('id').executeTakeFirstOrThrow();
    for (let c = s; c < communities; c += 5) {
      const lat = 31.15 + (c % 10) * 0.01;
      const lon = 121.40 + Math.floor(c / 10) * 0.01;
      const community = await db.insertInto('areas').values({ kind: 'community', parent_id: street.id, community_id: null, name: `Community ${c}`, lat, lon }).returning('id').executeTakeFirstOrThrow();
      await db.updateTable('areas').set({ community_id: community.id }).where('id', '=', community.id).execute();
      const n = Math.min(50, corridors - c * 50);
      const rows = await db.insertInto('areas')
        .values(Array.from({ length: n }, (_, k) => ({ kind: 'corridor' as const, parent_id: community.id, community_id: community.id, name: `Building ${Math.floor(k / 4) + 1} Unit ${(k % 4) + 1}`, lat: lat + k * 1e-4, lon: lon + k * 1e-4 })))
        .returning('id').execute();
      ids.push(...rows.map((r) => r.id));
    }
  }
  for (let d = 0; d < 5; d++) {
    const depot = await db.insertInto('depots').values({ name: `Depot ${d}`, lat: 31.2 + d * 0.01, lon: 121.45 }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('vehicles').values(Array.from({ length: 60 }, (_, v) => ({ depot_id: depot.id, name: `Van ${d}-${v}`, capacity: JSON.stringify({ bags: 60, kg: 800 }), skills: v % 5 === 0 ? ['protective'] : [] }))).execute();
  }
  await createAccount({ db }, { username: 'bench.admin', password: PASSWORD, role: 'admin' }, { scryptCost: { N: 1024, r: 8, p: 1 } });
  return ids;
}

const HEADER = ['corridor_id', 'address', 'members', 'elderly_alone', 'cannot_cook', 'chronic_illness', 'pregnant', 'infant', 'phone', 'infection_status'];

/** The i-th household of the register; `variant` changes its members (a re-import with every household changed). */
function household(i: number, corridors: readonly string[], variant = 0): (string | number)[] {
  const perCorridor = Math.ceil(150_000 / corridors.length);
  const corridor = corridors[i % corridors.length]!;
  const flat = Math.floor(i / corridors.length);
  const status = i % 50 === 0 ? 'positive' : i % 17 === 0 ? 'close_contact' : 'none';
  return [corridor, `Floor ${Math.floor(flat / 4) + 1}, Flat ${(flat % perCorridor) + 101}`, 1 + ((i + variant) % 5), i % 11 === 0 ? 'yes' : 'no', i % 7 === 0 ? 'yes' : 'no', i % 4 === 0 ? 'yes' : 'no',
    i % 41 === 0 ? 'yes' : 'no', i % 23 === 0 ? 'yes' : 'no', `1380${String(i).padStart(7, '0')}`, status];
}

async function writeCsv(path: string, count: number, corridors: readonly string[]): Promise<void> {
  const lines = [HEADER.join(',')];
  const cell = (v: string | number) => (typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v));
  for (let i = 0; i < count; i++) lines.push(household(i, corridors).map(cell).join(','));
  await writeFile(path, lines.join('\n') + '\n');
}

async function writeXlsx(path: string, count: number, corridors: readonly string[]): Promise<void> {
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false, useStyles: false });
  const sheet = book.addWorksheet('Register');
  sheet.addRow(HEADER).commit();
  for (let i = 0; i < count; i++) sheet.addRow(household(i, corridors, 1)).commit();
  sheet.commit();
  await book.commit();
}

/** Peak resident set (VmHWM) of a process so far, MB (Linux). */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

async function upload(server: ApiServer, token: string, path: string, type: string): Promise<{ seconds: number; body: Record<string, unknown> }> {
  const started = performance.now();
  const res = await fetch(`${server.url}/api/households/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type, 'content-length': String((await stat(path)).size) },
    body: Readable.toWeb(createReadStream(path)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  const body = (await res.json()) as Record<string, unknown>;
  const seconds = (performance.now() - started) / 1000;
  if (res.status !== 200) throw new Error(`import answered ${res.status}: ${JSON.stringify(body).slice(0, 500)}`);
  return { seconds, body };
}

export async function run(args: string[]): Promise<Metrics> {
  const count = numberOption(args, 'households', 150_000);
  const corridorCount = numberOption(args, 'corridors', 5000);
  const withXlsx = numberOption(args, 'xlsx', 1) === 1;
  const schema = `bench_onboarding_${Date.now().toString(36)}`;
  const database = await openDatabase({ url: PG_URL, schema, poolSize: 4 });
  const dir = await mkdtemp(join(tmpdir(), 'cordon-onboarding-'));
  let server: ApiServer | undefined;
  try {
    await migrateToLatest(database);
    const corridors = await seedDistrict(database, corridorCount);
    const csv = join(dir, 'register.csv');
    await writeCsv(csv, count, corridors);
    server = await startApiServer({ schema, processes: 1, pool: 4 });
    const pid = server.child.pid!;
    const token = await login(server.url, 'bench.admin', PASSWORD);
    const baseRss = peakRssMb(pid);

    const first = await upload(server, token, csv, 'text/csv');
    const peak = peakRssMb(pid);
    const stored = Number((await database.db.selectFrom('households').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    if (stored !== count || first.body.created !== count) throw new Error(`expected ${count} households, stored ${stored}, answer ${JSON.stringify(first.body)}`);
    const again = await upload(server, token, csv, 'text/csv');
    if (again.body.unchanged !== count) throw new Error(`re-import: ${JSON.stringify(again.body)}`);

    const metrics: Metrics = {
      households_per_s: Math.round(count / first.seconds),
      seconds_150k: Number(((first.seconds * 150_000) / count).toFixed(2)),
      peak_rss_mb: peak,
      rss_before_import_mb: baseRss,
      csv_mb: Number(((await stat(csv)).size / 1e6).toFixed(1)),
      reimport_unchanged_s: Number(again.seconds.toFixed(2)),
      households: count,
      corridors: corridors.length,
      vehicles: 300,
    };
    if (withXlsx) {
      const xlsx = join(dir, 'register.xlsx');
      await writeXlsx(xlsx, count, corridors);
      // A fresh API process, so its peak is the .xlsx import's own, not the heap the CSV runs grew.
      await server.stop();
      server = await startApiServer({ schema, processes: 1, pool: 4 });
      const xToken = await login(server.url, 'bench.admin', PASSWORD);
      const x = await upload(server, xToken, xlsx, XLSX);
      if (x.body.updated !== count) throw new Error(`xlsx import: ${JSON.stringify(x.body)}`);
      Object.assign(metrics, { xlsx_updates_s: Number(x.seconds.toFixed(2)), xlsx_mb: Number(((await stat(xlsx)).size / 1e6).toFixed(1)), peak_rss_mb_xlsx: peakRssMb(server.child.pid!) });
    }
    console.table([
      { run: `CSV import, ${count} new households`, seconds: first.seconds.toFixed(2), 'households/s': metrics.households_per_s, 'peak RSS MB': peak },
      { run: 'same CSV again (all unchanged)', seconds: again.seconds.toFixed(2), 'households/s': Math.round(count / again.seconds), 'peak RSS MB': '' },
      ...(withXlsx ? [{ run: `.xlsx, ${count} households changed`, seconds: String(metrics.xlsx_updates_s), 'households/s': Math.round(count / Number(metrics.xlsx_updates_s)), 'peak RSS MB': metrics.peak_rss_mb_xlsx }] : []),
    ]);
    return metrics;
  } finally {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
    await dropSchema(database);
    await database.close();
  }
}
