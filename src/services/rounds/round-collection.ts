/** What a collection round (its kind `collects`: waste) plans with: the disposal sites and the skills its vehicles must hold. */
import { ROUND_KIND_SPECS, type RoundKind } from '../../domain/round';
import type { Collection } from '../../planning/adapters/round-problem';
import type { Db } from '../../store/db';
import { sitesForPlan } from '../../store/waste.repository';

/** Undefined for a delivery round. */
export async function collectionOf(db: Db, kind: RoundKind): Promise<Collection | undefined> {
  const spec = ROUND_KIND_SPECS[kind];
  return spec.collects ? { sites: await sitesForPlan(db), skills: spec.vehicleSkills } : undefined;
}
