/**
 * A one-community grid for benchmarks: district > street > community > building > `corridors`
 * corridors, and `households` households spread over them (sizes 1-6, some elderly living alone or
 * unable to cook), inserted in chunks. Returns the community and the household ids in insert order.
 */
import type { Database } from '../src/store/db';

export async function seedGrid(database: Database, spec: { households: number; corridors: number }): Promise<{ community: string; households: string[] }> {
  const db = database.db;
  const area = async (kind: 'district' | 'street' | 'community' | 'building' | 'corridor', parent: string | null, community: string | null) =>
    (await db.insertInto('areas').values({ kind, name: kind, parent_id: parent, community_id: community }).returning('id').executeTakeFirstOrThrow()).id;
  const district = await area('district', null, null);
  const street = await area('street', district, null);
  const community = await area('community', street, null);
  const building = await area('building', community, community);
  const corridors: string[] = [];
  for (let i = 0; i < spec.corridors; i++) corridors.push(await area('corridor', building, community));
  const households: string[] = [];
  const CHUNK = 5000;
  for (let start = 0; start < spec.households; start += CHUNK) {
    const rows = Array.from({ length: Math.min(CHUNK, spec.households - start) }, (_, k) => ({
      corridor_id: corridors[(start + k) % corridors.length]!,
      community_id: community,
      address: `Bench ${start + k}`,
      members: 1 + ((start + k) % 6),
      elderly_alone: (start + k) % 11 === 0,
      cannot_cook: (start + k) % 7 === 0,
      lat: 31.2 + (k % 100) * 1e-4,
      lon: 121.4 + (k % 97) * 1e-4,
    }));
    households.push(...(await db.insertInto('households').values(rows).returning('id').execute()).map((r) => r.id));
  }
  return { community, households };
}
