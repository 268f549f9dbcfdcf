/**
 * Cuts a round into sub-problems that workers solve independently: one per community (large
 * communities in chunks of whole corridors), each with a share of the fleet proportional to its
 * needs, taken from the depots nearest to it. Stands in until the planning engine exports its own
 * geographic decomposition; no repair across borders is done here.
 */
export interface NeedToSplit { id: string; communityId: string; corridorId: string }
export interface VehicleToSplit { id: string; lat: number; lon: number; /** Bags it carries; null: unlimited. */ capBags: number | null }
export interface SubproblemDraft { id: string; communityId: string; needIds: string[]; vehicleIds: string[] }

/** Bags per need assumed when sizing a fleet share (a family package is 1-2 bags). */
const BAGS_PER_NEED = 2;
/** Spare capacity asked for on top of the bags: routes are never filled to the last bag. */
const SLACK = 1.3;

/** Largest sub-problem, in needs: keeps each solve within its time budget. Default 2,000. */
export const MAX_NEEDS_PER_SUBPROBLEM = 2000;

export function decompose(
  needs: NeedToSplit[],
  centroids: Map<string, { lat: number; lon: number }>,
  vehicles: VehicleToSplit[],
  maxNeeds = MAX_NEEDS_PER_SUBPROBLEM,
  /** Id prefix of the drafts (each re-plan of a round uses its own). Default `sp`. */
  idPrefix = 'sp',
  /** Corridor gates: a large community is cut into pie slices around its centre, not at random. */
  corridorPoints: Map<string, { lat: number; lon: number }> = new Map(),
): SubproblemDraft[] {
  const byCommunity = new Map<string, NeedToSplit[]>();
  for (const n of needs) byCommunity.set(n.communityId, [...(byCommunity.get(n.communityId) ?? []), n]);
  const drafts: SubproblemDraft[] = [];
  for (const [communityId, list] of [...byCommunity.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const centre = centroids.get(communityId);
    const angle = (corridorId: string): number => {
      const p = corridorPoints.get(corridorId);
      return p && centre ? Math.atan2(p.lat - centre.lat, p.lon - centre.lon) : 0;
    };
    for (const chunk of chunkByCorridor(list, maxNeeds, angle)) {
      drafts.push({ id: `${idPrefix}${drafts.length + 1}`, communityId, needIds: chunk.map((n) => n.id), vehicleIds: [] });
    }
  }
  assignVehicles(drafts, centroids, vehicles, needs.length);
  return drafts;
}

function chunkByCorridor(list: NeedToSplit[], maxNeeds: number, angle: (corridorId: string) => number): NeedToSplit[][] {
  if (list.length <= maxNeeds) return [list];
  const sorted = [...list].sort((a, b) => angle(a.corridorId) - angle(b.corridorId) || a.corridorId.localeCompare(b.corridorId) || a.id.localeCompare(b.id));
  const chunks: NeedToSplit[][] = [[]];
  for (let i = 0; i < sorted.length; i++) {
    const n = sorted[i]!;
    const current = chunks[chunks.length - 1]!;
    const newCorridor = i > 0 && sorted[i - 1]!.corridorId !== n.corridorId;
    if (current.length >= maxNeeds && newCorridor) chunks.push([n]);
    else current.push(n);
  }
  return chunks.filter((c) => c.length > 0);
}

function assignVehicles(drafts: SubproblemDraft[], centroids: Map<string, { lat: number; lon: number }>, vehicles: VehicleToSplit[], total: number): void {
  const free = [...vehicles].sort((a, b) => a.id.localeCompare(b.id));
  const caps = vehicles.map((v) => v.capBags).filter((c): c is number => c !== null && c > 0);
  const meanCap = caps.length ? caps.reduce((a, b) => a + b, 0) / caps.length : Infinity;
  // What a draft can use: enough vehicles for its bags with slack, never the whole fleet for a few needs.
  const enough = (d: SubproblemDraft): number => (Number.isFinite(meanCap) ? Math.ceil((d.needIds.length * BAGS_PER_NEED * SLACK) / meanCap) + 1 : 1);
  // Biggest first, so a short fleet serves the most needs; every draft gets one vehicle while any is left.
  const order = [...drafts].sort((a, b) => b.needIds.length - a.needIds.length || a.id.localeCompare(b.id));
  order.forEach((draft, i) => {
    const stillWaiting = order.length - i - 1;
    const fair = Math.round((vehicles.length * draft.needIds.length) / Math.max(1, total));
    const share = Math.max(1, Math.min(fair, enough(draft), free.length - stillWaiting));
    const c = centroids.get(draft.communityId);
    if (c) free.sort((a, b) => dist2(a, c) - dist2(b, c) || a.id.localeCompare(b.id));
    draft.vehicleIds = free.splice(0, Math.max(0, Math.min(share, free.length))).map((v) => v.id).sort();
  });
  // Leftover vehicles go to the drafts still short of what they can use, neediest first.
  for (;;) {
    const short = drafts.filter((d) => d.vehicleIds.length < enough(d));
    const neediest = short.sort((a, b) => b.needIds.length / (b.vehicleIds.length + 1) - a.needIds.length / (a.vehicleIds.length + 1))[0];
    if (!neediest || free.length === 0) break;
    neediest.vehicleIds.push(free.shift()!.id);
  }
}

function dist2(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  return (a.lat - b.lat) ** 2 + (a.lon - b.lon) ** 2;
}
