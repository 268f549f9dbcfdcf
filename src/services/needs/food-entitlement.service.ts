/**
 * Food entitlements: every household of a community is owed one food package per cycle (its
 * contents the kit variant for the household's size, as for a submitted food_package need).
 * Generating a cycle's entitlements is idempotent: a second run for the same cycle creates nothing,
 * and a household that already held one this cycle (open, delivered, failed or cancelled) gets no
 * other.
 */
import { SCHEDULER_ACTOR } from '../../domain/access';
import { entitlementTables, foodCycleAt, type FoodCycle } from '../../domain/food-cycle';
import type { Db } from '../../store/db';
import { insertFoodEntitlements } from '../../store/entitlement.repository';
import { markBulkLane } from '../../store/need-status-live.repository';
import { analyzeIfGrown } from '../../store/table-stats';

// The intake rules, tabulated once per process (they are constants of the domain).
const TABLES = entitlementTables();

export interface EntitlementDeps {
  db: Db;
  /** Cycle length in days (FOOD_CYCLE_DAYS). */
  foodCycleDays: number;
}

export interface EntitlementRun {
  /** The instant whose cycle is generated: a job passes its scheduled time, so a retry names the same cycle. */
  at: Date;
  /** Written with the audit rows (the job id). */
  requestId?: string | null;
  /** When the rows are written; defaults to now. */
  now?: Date;
}

export async function generateFoodEntitlements(deps: EntitlementDeps, communityId: string, run: EntitlementRun): Promise<{ cycle: FoodCycle; created: number }> {
  const cycle = foodCycleAt(run.at, deps.foodCycleDays);
  // One accepted change per household, up to 137,000 at once: the bulk lane, so the live relay
  // serves residents' and drivers' changes before them (issue #21).
  const created = await deps.db.transaction().execute(async (trx) => {
    await markBulkLane(trx);
    return insertFoodEntitlements(trx, {
      communityId,
      cycle: cycle.id,
      priorityByHousehold: TABLES.priorityByHousehold,
      actor: SCHEDULER_ACTOR,
      requestId: run.requestId ?? null,
      at: run.now ?? new Date(),
    });
  });
  // A cycle's first communities grow needs by a large share: the next ones are planned on fresh statistics.
  await analyzeIfGrown(deps.db, 'needs', created);
  return { cycle, created };
}
