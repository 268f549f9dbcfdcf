/**
 * Area outlines from GeoJSON (issue #15, item 1) on PostgreSQL: a FeatureCollection whose features
 * name their areas; Polygon/MultiPolygon only; all or nothing; the size limit; who may upload; audit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './auth.fixture';

let w: World;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  w = await startWorld('areaoutline', { env: { GRID_OUTLINE_MAX_BYTES: '100000' } });
  for (const role of ['admin', 'community_staff', 'coordinator'] as const) tokens[role] = await w.login(role);
});
afterAll(async () => w?.close());

const square = (x: number, y: number, d = 0.001) => [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]];
const feature = (properties: Record<string, unknown>, geometry: unknown) => ({ type: 'Feature', properties, geometry });
const upload = (features: unknown[], token = tokens.admin, type = 'application/geo+json') =>
  w.request('POST', '/api/areas/outlines', { token, body: { type: 'FeatureCollection', features }, headers: { 'content-type': type } });
const outlineOf = async (id: string) => ((await (await w.request('GET', `/api/areas/${id}`, { token: tokens.admin })).json()) as { outline: unknown }).outline;

describe('area outlines', () => {
  it('stores each feature’s Polygon or MultiPolygon on the area it names (by id or name path), shown with the area, audited', async () => {
    const res = await upload([
      feature({ id: w.grid.m1, name: 'ignored' }, { type: 'Polygon', coordinates: square(121.4, 31.2, 0.01), bbox: [0, 0, 1, 1] }),
      feature({ path: 'S / M1 / B1' }, { type: 'MultiPolygon', coordinates: [square(121.4, 31.2), square(121.402, 31.2)] }),
      feature({ path: 'D / S / M2' }, { type: 'Polygon', coordinates: square(121.5, 31.3, 0.01) }),
    ]);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toEqual({ updated: 3, cleared: 0 });
    expect(await outlineOf(w.grid.m1)).toEqual({ type: 'Polygon', coordinates: square(121.4, 31.2, 0.01) });
    expect(((await outlineOf(w.grid.b1)) as { type: string }).type).toBe('MultiPolygon');
    const audits = await w.database.db.selectFrom('audit_log').select('subject_id').where('action', '=', 'area.outline').execute();
    expect(audits.map((a) => a.subject_id).sort()).toEqual([w.grid.m1, w.grid.b1, w.grid.m2].sort());
    // A null geometry clears it.
    expect(await (await upload([feature({ id: w.grid.m2 }, null)])).json()).toEqual({ updated: 0, cleared: 1 });
    expect(await outlineOf(w.grid.m2)).toBeNull();
  });

  it('refuses anything but a Polygon/MultiPolygon, open rings and unknown areas, naming the feature, and stores nothing', async () => {
    const res = await upload([
      feature({ id: w.grid.c1 }, { type: 'Polygon', coordinates: square(121.4, 31.2) }),
      feature({ id: w.grid.c2 }, { type: 'Point', coordinates: [121.4, 31.2] }),
      feature({ id: w.grid.c3 }, { type: 'Polygon', coordinates: [[[121.4, 31.2], [121.41, 31.2], [121.41, 31.21], [121.4, 31.21]]] }),
      feature({ id: w.grid.c3 }, { type: 'Polygon', coordinates: [[[200, 31.2], [121.41, 31.2], [121.41, 31.21], [200, 31.2]]] }),
      feature({}, { type: 'Polygon', coordinates: square(121.4, 31.2) }),
    ]);
    expect(res.status).toBe(422);
    const paths = ((await res.json()) as { errors: { path: (string | number)[] }[] }).errors.map((e) => e.path.slice(0, 3).join('.'));
    expect(new Set(paths)).toEqual(new Set(['features.1.geometry', 'features.2.geometry', 'features.3.geometry', 'features.4.properties']));
    const unknown = await upload([feature({ id: w.grid.c1 }, { type: 'Polygon', coordinates: square(121.4, 31.2) }), feature({ path: 'S / Nowhere' }, { type: 'Polygon', coordinates: square(121.4, 31.2) })]);
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { errors: { path: unknown[] }[] }).errors.map((e) => e.path)).toEqual([['features', 1, 'properties', 'path']]);
    expect(await outlineOf(w.grid.c1)).toBeNull();
    expect((await w.request('POST', '/api/areas/outlines', { token: tokens.admin, body: { type: 'FeatureCollection', features: [] } })).status).toBe(422);
  });

  it('refuses an upload past GRID_OUTLINE_MAX_BYTES (413) and other media types (415)', async () => {
    const big = Array.from({ length: 1000 }, (_, i) => feature({ id: w.grid.c1 }, { type: 'Polygon', coordinates: square(121.4 + i * 1e-4, 31.2) }));
    expect((await upload(big)).status).toBe(413);
    const csv = await w.request('POST', '/api/areas/outlines', { token: tokens.admin, body: 'id,geometry\n', headers: { 'content-type': 'text/csv' } });
    expect(csv.status).toBe(415);
    expect(await outlineOf(w.grid.c1)).toBeNull();
  });

  it('community staff upload outlines in their communities only (403, audited); unit chiefs not at all', async () => {
    expect((await upload([feature({ id: w.grid.c1 }, { type: 'Polygon', coordinates: square(121.4, 31.2) })], tokens.community_staff)).status).toBe(200);
    const other = await upload([feature({ id: w.grid.c3 }, { type: 'Polygon', coordinates: square(121.4, 31.2) })], tokens.community_staff);
    expect(other.status).toBe(403);
    const denied = await w.database.db.selectFrom('audit_log').select(['outcome']).where('subject_id', '=', w.grid.c3).where('action', '=', 'area.outline').execute();
    expect(denied).toEqual([{ outcome: 'denied' }]);
    expect((await upload([feature({ id: w.grid.c1 }, { type: 'Polygon', coordinates: square(121.4, 31.2) })], tokens.coordinator)).status).toBe(403);
  });
});
