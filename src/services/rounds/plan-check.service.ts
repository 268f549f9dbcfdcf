/**
 * Every change to a stored plan (urgent insertion, a dispatcher's move, lock, re-plan, a need
 * cancelled off a stop, the merge's store) is checked in full before it commits: the plan as the
 * transaction now holds it goes through the planning validator (adapters/stored-plan.ts), and a
 * broken rule refuses the change with a 409 naming it; the transaction rolls back, nothing is stored.
 */
import { checkStoredPlan, type PlanRuleBreak, type StoredPlan, type StoredPlanCheck } from '../../planning/adapters/stored-plan';
import { tripDrivers } from '../../store/roster.repository';
import { hasRoster, planRoster, roundRoster, withHours } from './round-roster';
import { AppError } from '../../shared/errors';
import type { Db } from '../../store/db';
import { loadStoredPlan, type PlanForCheck } from '../../store/round-check.repository';

/**
 * The round's stored plan as the check reads it: the vehicles with their hours from the round's
 * roster, and each trip's driver with the roster, so the driver rules are checked too (issue #18,
 * item 3; a round from before rosters keeps its drivers unchecked).
 */
export async function loadCheckedPlan(trx: Db, roundId: string): Promise<PlanForCheck & Pick<StoredPlan, 'drivers'>> {
  const plan = await loadStoredPlan(trx, roundId);
  if (!(await hasRoster(trx, roundId))) return plan;
  const roster = await roundRoster(trx, roundId);
  return { ...plan, vehicles: withHours(plan.vehicles, roster), drivers: { roster: planRoster(roster), driverOf: await tripDrivers(trx, roundId) } };
}

/** What the transaction's plan breaks, if anything. */
export async function checkPlanOf(trx: Db, roundId: string): Promise<StoredPlanCheck> {
  return checkStoredPlan(await loadCheckedPlan(trx, roundId));
}

/** Throws `plan_rule_broken` (409) naming the first broken rule when the round's plan, as `trx` holds it, breaks one. */
export async function assertPlanKeepsRules(trx: Db, roundId: string, change: string): Promise<void> {
  const check = await checkPlanOf(trx, roundId);
  if (!check.ok) throw planRuleBroken(change, check.breaks);
}

/**
 * For a change that only takes load off the plan (a need cancelled off its stop): refused only for a
 * rule it breaks anew (`before`: the plan's check before the change). A plan broken since it was made
 * (a van's capacity or a gate's hours edited afterwards) must not stop a household cancelling; the
 * dispatcher meets those breaks at the next move or re-plan.
 */
export async function assertChangeAddsNoBreak(trx: Db, roundId: string, change: string, before: StoredPlanCheck): Promise<void> {
  const after = await checkPlanOf(trx, roundId);
  if (after.ok) return;
  const key = (b: PlanRuleBreak): string => `${b.rule}|${b.tripId ?? ''}`;
  const known = new Set(before.breaks.map(key));
  const fresh = after.breaks.filter((b) => !known.has(key(b)));
  if (fresh.length) throw planRuleBroken(change, fresh);
}

/** The 409 for a change that would break `breaks` (ids and rule names only: no need details). */
export function planRuleBroken(change: string, breaks: readonly PlanRuleBreak[]): AppError {
  const first = breaks[0]!;
  const rules = [...new Set(breaks.map((b) => b.rule))];
  const where = [first.tripId && `trip ${first.tripId}`, first.stopId && `stop ${first.stopId}`].filter(Boolean).join(', ');
  return new AppError('plan_rule_broken', `${change} would break the plan's rule ${first.rule}${where ? ` (${where})` : ''}`, {
    details: {
      rule: first.rule,
      rules,
      breaks: breaks.slice(0, 10).map((b) => ({ rule: b.rule, tripId: b.tripId ?? null, stopId: b.stopId ?? null })),
    },
  });
}
