/**
 * The risk map live (issue #15, item 4): a change of an area's status or level reaches, as
 * `area.risk_changed`, the sockets subscribed to the dispatch desk, the area's community and its
 * corridors, and no other corridor (real Socket.IO, Redis stream, PostgreSQL event store).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scope, type Envelope } from '../../src/contracts/events';
import type { Actor } from '../../src/domain/access';
import { DEFAULT_CONTROL_STATUSES, DEFAULT_RISK_LEVELS } from '../../src/domain/risk-map';
import { createAuditService } from '../../src/services/access/audit.service';
import { changeAreaRisk, type RiskMapDeps } from '../../src/services/grid/risk-map.service';
import { liveFixture, request, until, waitUntilServing, type LiveClient, type LiveFixture } from './live-harness';

let f: LiveFixture;
let deps: RiskMapDeps;
let admin: Actor;
const clients: Record<'dispatch' | 'community' | 'chief1' | 'chief2', LiveClient> = {} as never;

const riskEvents = (c: LiveClient): Envelope[] => c.received.filter((e) => e.event.type === 'area.risk_changed');
const areasSeen = (c: LiveClient): string[] => riskEvents(c).map((e) => (e.event.type === 'area.risk_changed' ? e.event.areaId : ''));

beforeAll(async () => {
  f = await liveFixture('riskmap');
  const { url } = await f.startServer();
  const publisher = f.publisher();
  deps = { db: f.database.db, audit: createAuditService({ db: f.database.db }), publisher, riskMap: { controlStatuses: DEFAULT_CONTROL_STATUSES, riskLevels: DEFAULT_RISK_LEVELS } };
  const adminActor = await f.auth.authenticateToken(await f.login('admin'));
  if (!adminActor) throw new Error('no admin');
  admin = adminActor;
  const [c1, c2] = f.grid.corridors;
  const join = async (token: string, s: ReturnType<typeof scope.corridor>) => {
    const client = await f.connect(url, token);
    expect(await request(client, 'subscribe', { scope: s })).toMatchObject({ ok: true });
    return client;
  };
  clients.dispatch = await join(await f.login('dispatcher'), scope.dispatch);
  clients.community = await join(await f.login('community_staff', { communityIds: [f.grid.community] }), scope.community(f.grid.community));
  clients.chief1 = await join(await f.login('coordinator', { corridorIds: [c1] }), scope.corridor(c1));
  clients.chief2 = await join(await f.login('coordinator', { corridorIds: [c2] }), scope.corridor(c2));
  await waitUntilServing(publisher, clients.dispatch, scope.dispatch);
});
afterAll(async () => f?.close());

describe('area.risk_changed', () => {
  it('a corridor turned red reaches the dispatch desk, its community and its unit chief, not the next corridor’s', async () => {
    const [c1, c2] = f.grid.corridors;
    const { change } = await changeAreaRisk(deps, admin, c1, { controlStatus: 'sealed', riskColour: 'red', reason: 'Case in unit 1' });
    await until(() => riskEvents(clients.chief1).length === 1, 10_000, 'chief 1 event');
    expect(riskEvents(clients.chief1)[0]).toMatchObject({
      scope: scope.corridor(c1),
      event: { type: 'area.risk_changed', areaId: c1, kind: 'corridor', communityId: f.grid.community, controlStatus: 'sealed', previousControlStatus: 'controlled', riskColour: 'red', previousRiskColour: 'green', changeId: change?.id },
    });
    // The reason stays in the history: events carry codes only.
    expect(JSON.stringify(riskEvents(clients.chief1)[0])).not.toContain('Case in unit');
    await until(() => riskEvents(clients.dispatch).length === 1 && riskEvents(clients.community).length === 1, 10_000, 'dispatch and community events');

    // Then c2 changes: once its chief has that (one stream, read in order), c1's would have arrived before it.
    await changeAreaRisk(deps, admin, c2, { riskColour: 'yellow', reason: 'Contacts traced' });
    await until(() => riskEvents(clients.chief2).length === 1, 10_000, 'chief 2 event');
    expect(areasSeen(clients.chief2)).toEqual([c2]);
    expect(areasSeen(clients.chief1)).toEqual([c1]);
  });

  it('a community change reaches every corridor of it; an unchanged one sends nothing', async () => {
    const c2 = f.grid.corridors[1];
    const before = { chief1: riskEvents(clients.chief1).length, chief2: riskEvents(clients.chief2).length };
    const unchanged = await changeAreaRisk(deps, admin, c2, { riskColour: 'yellow', reason: 'Still yellow' });
    expect(unchanged.change).toBeNull();
    await changeAreaRisk(deps, admin, f.grid.community, { controlStatus: 'sealed', reason: 'Community sealed' });
    await until(() => riskEvents(clients.chief1).length > before.chief1 && riskEvents(clients.chief2).length > before.chief2, 10_000, 'community event at both corridors');
    expect(areasSeen(clients.chief1).slice(before.chief1)).toEqual([f.grid.community]);
    expect(areasSeen(clients.chief2).slice(before.chief2)).toEqual([f.grid.community]);
    expect(riskEvents(clients.chief2).at(-1)?.scope).toBe(scope.corridor(c2));
  });
});
