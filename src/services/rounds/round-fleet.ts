/**
 * The disinfection gate of a round's fleet (issue #18, item 2): for the round kinds that ask it
 * (food, medicine, mixed: `disinfectedOnly`), a vehicle whose last waste trip has no disinfection
 * record may not be taken. Read where a round's fleet is loaded and where the desk asks why a
 * vehicle is missing from it.
 */
import { COLLECTING_ROUND_KINDS, ROUND_KIND_SPECS, WENT_OUT_ROUND_STATUSES, type RoundKind } from '../../domain/round';
import type { Db } from '../../store/db';
import { vehiclesAwaitingDisinfection } from '../../store/waste-custody.repository';

/** Of `vehicleIds`, those a round of `kind` may not take until disinfected. */
export async function awaitingDisinfection(db: Db, kind: RoundKind, vehicleIds: readonly string[]): Promise<Set<string>> {
  if (!ROUND_KIND_SPECS[kind].disinfectedOnly) return new Set();
  return vehiclesAwaitingDisinfection(db, vehicleIds, COLLECTING_ROUND_KINDS, WENT_OUT_ROUND_STATUSES);
}
