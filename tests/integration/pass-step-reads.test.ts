/**
 * A pass step reads only what it needs (issue #21): in the district day's morning, a thousand pass
 * applications and their reviews arrive within a minute, and every statement of a step costs the API
 * process CPU that intake is waiting for. Staff deciding on a pass are not asked who drives it (only a
 * driver's rights depend on that), and a review reads the pass's legs once, for its answer. A driver
 * marking a trip still has its drivers read (it is allowed as the trip's driver).
 */
import type { KyselyPlugin, OperationNode, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passHistory } from '../../src/store/pass.repository';
import { startPassWorld, type PassWorld } from './pass.fixture';

/** The tables each statement names, in the order sent. */
const statements: string[][] = [];
function tablesOf(node: unknown, into: Set<string>): Set<string> {
  if (!node || typeof node !== 'object') return into;
  const n = node as OperationNode & { table?: { identifier?: { name?: string } } };
  if (n.kind === 'TableNode' && n.table?.identifier?.name) into.add(n.table.identifier.name);
  for (const v of Object.values(node)) tablesOf(v, into);
  return into;
}
const recorder: KyselyPlugin = {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    statements.push([...tablesOf(args.node, new Set())]);
    return args.node;
  },
  transformResult: async (args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> => args.result,
};

let w: PassWorld;
beforeAll(async () => {
  w = await startPassWorld('pass_step_reads', '2026-03-01T06:00:00Z', { plugin: recorder });
});
afterAll(async () => {
  await w?.close();
});

/** Statements sent while `f` runs that read the pass's legs. */
async function legReads(f: () => Promise<unknown>): Promise<number> {
  const from = statements.length;
  await f();
  return statements.slice(from).filter((tables) => tables.includes('transport_requests')).length;
}

const act = (id: string, action: string, role: Parameters<PassWorld['json']>[2]) => w.json<{ status: string }>('POST', `/api/passes/${id}/${action}`, role, {});

describe('what a pass step reads', () => {
  it('a staff review reads the legs once (its answer), not the drivers nor the legs before deciding', async () => {
    const applied = await w.json<{ id: string }>('POST', `/api/households/${w.grid.h1}/passes`, 'resident', {
      person: 'Li Lei', hospitalId: w.hospitalId, reason: 'dialysis', appointmentAt: '2026-03-02T10:00:00Z', visitMinutes: 120,
    });
    expect(applied.status).toBe(201);
    const id = applied.body.id;
    let answer: { status: number; body: { status: string } } | undefined;
    expect(await legReads(async () => { answer = await act(id, 'review', 'community_staff'); })).toBe(1);
    expect(answer).toMatchObject({ status: 200, body: { status: 'under_review' } });

    // The driver's rights still come from the trips: after approval and issue, d1 marks the outbound trip.
    expect((await act(id, 'approve', 'community_staff')).body.status).toBe('approved');
    expect((await act(id, 'issue', 'community_staff')).body.status).toBe('issued');
    const marked = await act(id, 'outbound-done', 'driver');
    expect(marked).toMatchObject({ status: 200, body: { status: 'outbound_done' } });
  });

  it('an application and a review write the pass and its history entry in one statement each', async () => {
    // Each statement of a transaction holds a pooled connection for a turn of the API's event loop:
    // in the district day's first minute the pass transactions held most of the pool (issue #21).
    const writes = async (f: () => Promise<unknown>) => {
      const from = statements.length;
      await f();
      return statements.slice(from).filter((tables) => tables.includes('pass_status_history'));
    };
    let id = '';
    const applied = await writes(async () => {
      id = (await w.json<{ id: string }>('POST', `/api/households/${w.grid.h1}/passes`, 'resident', {
        person: 'Han Meimei', hospitalId: w.hospitalId, reason: 'chemotherapy', appointmentAt: '2026-03-02T14:00:00Z', visitMinutes: 60,
      })).body.id;
    });
    expect(applied).toEqual([expect.arrayContaining(['passes', 'pass_status_history'])]);
    expect(await writes(() => act(id, 'review', 'community_staff'))).toEqual([expect.arrayContaining(['passes', 'pass_status_history'])]);
    expect((await passHistory(w.database.db, id)).map((h) => [h.from, h.to])).toEqual([[null, 'applied'], ['applied', 'under_review']]);
  });
});
