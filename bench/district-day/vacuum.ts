/**
 * Autovacuum's work on the bench's schema, done by the bench when the server has autovacuum off.
 *
 * Some machines here run PostgreSQL with `autovacuum = off` (their CI configuration). A production
 * server runs it (docker-compose's postgres:15 does, with the defaults), and without it nothing is
 * vacuumed or analysed all day: tables bloat with dead rows (the live event staging table held a
 * million dead rows by the food round's dispatch) and every query plans on the statistics of the
 * set-up. The day measured so is not the day a district would run.
 *
 * So, as the autovacuum launcher would: every `naptime`, each table of the schema past the default
 * thresholds (dead rows or rows inserted past 50 or 1,000 + 20% of the table, rows changed past
 * 50 + 10% since the last analyse) is vacuumed or analysed, one table at a time, on a connection of
 * its own, with autovacuum's cost-based throttle (2 ms after each 200 units of work).
 */
import pg from 'pg';

export interface VacuumFigures { vacuums: number; analyses: number; busyS: number }

interface Due { table: string; vacuum: boolean; analyze: boolean }

/** Defaults of PostgreSQL 15's autovacuum. */
const NAPTIME_MS = 60_000;

export async function serverAutovacuumOff(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ autovacuum: string }>('show autovacuum')).rows[0]?.autovacuum === 'off';
  } finally {
    await client.end();
  }
}

async function dueTables(client: pg.Client, schema: string): Promise<Due[]> {
  const { rows } = await client.query<{ table: string; vacuum: boolean; analyze: boolean }>(`
    select format('%I.%I', s.schemaname, s.relname) as table,
      s.n_dead_tup > 50 + 0.2 * greatest(c.reltuples, 0) or s.n_ins_since_vacuum > 1000 + 0.2 * greatest(c.reltuples, 0) as vacuum,
      s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0) as analyze
    from pg_stat_user_tables s join pg_class c on c.oid = s.relid
    where s.schemaname = $1`, [schema]);
  return rows.filter((r) => r.vacuum || r.analyze);
}

/** Starts the stand-in; `stop` ends it after the table being worked on, and gives its figures. */
export function startVacuuming(url: string, schema: string, log: (line: string) => void): { stop(): Promise<VacuumFigures> } {
  const figures: VacuumFigures = { vacuums: 0, analyses: 0, busyS: 0 };
  let stopping = false;
  let wake: (() => void) | undefined;
  const nap = () => new Promise<void>((resolve) => {
    const t = setTimeout(resolve, NAPTIME_MS);
    wake = () => (clearTimeout(t), resolve());
  });
  const loop = (async () => {
    const client = new pg.Client({ connectionString: url, application_name: 'bench autovacuum' });
    await client.connect();
    try {
      await client.query(`set vacuum_cost_delay = '2ms'`);
      await client.query('set vacuum_cost_limit = 200');
      while (!stopping) {
        await nap();
        for (const due of stopping ? [] : await dueTables(client, schema)) {
          if (stopping) break;
          const t0 = performance.now();
          await client.query(`${due.vacuum ? (due.analyze ? 'vacuum (analyze)' : 'vacuum') : 'analyze'} ${due.table}`);
          figures.busyS += (performance.now() - t0) / 1000;
          if (due.vacuum) figures.vacuums++;
          if (due.analyze) figures.analyses++;
        }
      }
    } finally {
      await client.end();
    }
  })();
  loop.catch((err: Error) => log(`autovacuum stand-in stopped: ${err.message}`));
  return {
    async stop() {
      stopping = true;
      wake?.();
      await loop.catch(() => undefined);
      return { ...figures, busyS: Math.round(figures.busyS * 10) / 10 };
    },
  };
}
