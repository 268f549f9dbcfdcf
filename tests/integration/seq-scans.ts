/**
 * Which tables a query reads whole when sequential scans are priced out (`enable_seqscan = off`):
 * PostgreSQL still scans a table sequentially only where no index serves the query. So a look-up
 * that should go through indexes names no table here.
 */
import { CompiledQuery, sql } from 'kysely';
import type { Db } from '../../src/store/db';

type PlanNode = { 'Node Type'?: string; 'Relation Name'?: string; Plans?: PlanNode[]; Plan?: PlanNode };

export async function tablesReadWhole(db: Db, query: CompiledQuery): Promise<string[]> {
  const plan = await db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx);
    const explained = await trx.executeQuery<{ 'QUERY PLAN': PlanNode[] }>(CompiledQuery.raw(`explain (format json) ${query.sql}`, [...query.parameters]));
    return explained.rows[0]!['QUERY PLAN'];
  });
  const scanned: string[] = [];
  const walk = (node: PlanNode): void => {
    if (node['Node Type'] === 'Seq Scan') scanned.push(node['Relation Name']!);
    for (const child of [node.Plan, ...(node.Plans ?? [])]) if (child) walk(child);
  };
  plan.forEach(walk);
  return scanned;
}
