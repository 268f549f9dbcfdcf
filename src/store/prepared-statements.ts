/**
 * Statements PostgreSQL keeps prepared on each pooled connection: parsed and planned once per
 * connection, not on every call. For a few statements that run on every request or stop report,
 * whose text never changes and whose best plan does not depend on their parameters (look-ups by
 * key). After its first five calls PostgreSQL weighs a generic plan against the custom ones; for a
 * look-up by key it is the same plan, so planning stops there.
 *
 *   export const FIND_X_SQL = prepared(`select ... where id = $1`);
 *   db.executeQuery(CompiledQuery.raw(FIND_X_SQL, [id]));
 *
 * Why (issue #21, pg_stat_statements with track_planning over a full-scale district day): the
 * session look-up of every request spent 0.36 ms planning to 0.19 ms running (9 s of the day), the
 * trip's stops of every stop report 0.84 ms planning to 2 ms running (18.5 s), the accepting insert
 * of every need submitted 0.31 ms planning (6.4 s).
 *
 * `pg` sends a named statement's text once per connection and binds it after (the name is the
 * text's hash, so one text is one name). Only texts marked here are named: any other statement
 * (most are built per call, with lists of varying length) stays unnamed, planned with its values.
 * PGlite is not touched: it is one connection in this process, with no pool to wrap.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';

const names = new Map<string, string>();

/** Marks `text` to run as a prepared statement on PostgreSQL; returns it unchanged. */
export function prepared(text: string): string {
  names.set(text, `cordon_${createHash('sha256').update(text).digest('hex').slice(0, 16)}`);
  return text;
}

/** Makes `client` run the marked texts as named statements (call once per client: `pg` Pool's 'connect'). */
export function usePreparedStatements(client: pg.PoolClient | pg.Client): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const [text, values, callback] = args;
    const name = typeof text === 'string' ? names.get(text) : undefined;
    if (name === undefined || typeof values === 'function' || callback !== undefined) return query(...args);
    return query({ name, text, values });
  };
}
