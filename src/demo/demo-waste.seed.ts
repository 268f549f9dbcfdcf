/**
 * The demo district's waste collection (issue #18): a disposal site south-west of the district (open
 * 06:00-22:00, 20 t a day) and open pickup requests from a few corridors, positive households'
 * waste among them, so a waste round (POST /api/rounds with kind "waste") plans out of the box with
 * the two waste trucks of the demo fleet (src/demo/files/vehicles.csv).
 */
import { NEED_KIND_SPECS, type WasteCategory } from '../domain/need-kinds';
import type { Db } from '../store/db';
import { insertDisposalSite, upsertWasteRequest } from '../store/waste.repository';

export async function seedWaste(trx: Db, corridorsByCommunity: ReadonlyMap<string, readonly string[]>, at: Date): Promise<number> {
  await insertDisposalSite(trx, {
    name: 'Longhua Medical Waste Disposal Centre', lat: 31.1702, lon: 121.4201, opensMin: 6 * 60, closesMin: 22 * 60, capacityKg: 20_000, unloadMinutes: 20,
  });
  const spec = NEED_KIND_SPECS.waste_pickup;
  let requests = 0;
  for (const [communityId, corridors] of corridorsByCommunity) {
    // Every third corridor asks; the first of each community has positive households.
    for (const [i, corridorId] of corridors.entries()) {
      if (i % 3 !== 0) continue;
      const category: WasteCategory = i === 0 ? 'positive' : i % 2 ? 'close_contact' : 'ordinary';
      const details = { bags: 4 + (i % 5), estimatedKg: 12 + 3 * (i % 7), category };
      await upsertWasteRequest(trx, {
        corridorId, communityId, identityKey: spec.identity(details), details, priority: spec.priority('routine'), actor: 'system:demo-seed', at,
      });
      requests++;
    }
  }
  return requests;
}
