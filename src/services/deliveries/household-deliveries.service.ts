/**
 * A resident's next deliveries in plain words (issue #17, item 7). For each open need of the
 * household on a planned round: when its stop is planned and the gate's window, as the plan
 * validator times the stored plan (planning/adapters/stored-plan.ts), and the truck's plate; and,
 * once the van is on its way to that stop (it left the depot or the stop before, or reported a
 * position since),
 * the half-hour window it is expected in: the same estimate (domain/eta.ts) and window
 * (domain/notices.ts etaWindow) as the ETA notice, from the van's last report.
 *
 * When the van leaves the depot or a stop closes, the households of the trip's next open stop hear
 * their window at once (`delivery.eta`, their household scope only): `publishNextStopEta`, called
 * there (the driver's departure and stop reports, the gate's handoff and failed doors).
 *
 * Need ids and kinds only: nothing of what is in the bags, nothing of other households, and not
 * the driver's name (the unit chief takes the bags at the gate, not the resident).
 */
import { parseBatchId, scope } from '../../contracts/events';
import type { Actor } from '../../domain/access';
import { estimateEtas, type Point } from '../../domain/eta';
import { ROUND_SHIFT_START_MIN } from '../../domain/gate-hours';
import type { NeedKind } from '../../domain/kinds';
import { etaWindow } from '../../domain/notices';
import { ON_ROAD_ROUND_STATUSES } from '../../domain/round';
import { stopTimings } from '../../planning/adapters/stored-plan';
import { AppError } from '../../shared/errors';
import type { Logger } from '../../shared/logger';
import type { Db } from '../../store/db';
import { householdScope } from '../../store/event-directory.repository';
import { tripStops } from '../../store/event-tracking.repository';
import { householdStops, lastVanReport } from '../../store/household-deliveries.repository';
import { loadStoredPlan } from '../../store/round-check.repository';
import { guardHousehold } from '../access/access-guard';
import type { AuditService } from '../access/audit.service';
import type { LivePublisher } from '../live-status/live.service';

export interface HouseholdDelivery {
  needId: string;
  kind: NeedKind;
  needStatus: 'planned' | 'out_for_delivery';
  /** The round is on the road (dispatched or under way); false: approved, not yet out. */
  onTheRoad: boolean;
  /** The gate the bags are handed over at (the corridor's name). */
  gate: string;
  /** When the stop is served, seconds from the round's start (as the plan validator times it). */
  plannedS: number;
  /** The gate's receiving window, seconds from the round's start; null: any time of the shift. */
  window: { fromS: number; untilS: number } | null;
  vehiclePlate: string | null;
  /** The window the van is expected in, once it is on its way to this stop; null before. */
  eta: { from: string; until: string } | null;
}

export interface HouseholdDeliveries {
  /** Plan times count seconds from this minute of the day. */
  shiftStartMin: number;
  deliveries: HouseholdDelivery[];
}

/** The trip's next open stop and the window the van is expected there, from its last report; null until it reported. */
export async function nextStopEta(db: Db, roundId: string, tripId: string): Promise<{ stopId: string; householdIds: string[]; from: Date; until: Date } | null> {
  const stops = await tripStops(db, roundId, tripId);
  const open = stops.filter((s) => s.status === 'pending' || s.status === 'loaded');
  const next = open[0];
  const report = next && (await lastVanReport(db, roundId, tripId));
  if (!next || !report) return null;
  const from: Point | undefined = report.kind === 'left_stop' ? stops.find((s) => s.stopId === report.stopId) : report;
  const [first] = from ? estimateEtas(from, report.at, open) : [];
  if (!first) return null;
  return { stopId: next.stopId, householdIds: next.householdIds, ...etaWindow(new Date(first.eta)) };
}

export async function householdDeliveries(deps: { db: Db; audit: AuditService | undefined }, actor: Actor, householdId: string, reqId?: string): Promise<HouseholdDeliveries> {
  const household = await householdScope(deps.db, householdId);
  if (!household) throw new AppError('not_found', 'household not found');
  await guardHousehold({ audit: deps.audit, reqId }, actor, household, 'household.deliveries.read');
  const rows = await householdStops(deps.db, householdId);
  // Timed per round as the validator does it, only the trips this household is on.
  const timings = new Map<string, ReturnType<typeof stopTimings>[number]>();
  for (const roundId of new Set(rows.map((r) => r.roundId))) {
    // Only the household's trips are loaded: a round's whole plan is far more than one page needs.
    const trips = [...new Set(rows.filter((r) => r.roundId === roundId).map((r) => r.tripId))];
    for (const t of stopTimings(await loadStoredPlan(deps.db, roundId, trips))) timings.set(t.stopId, t);
  }
  const etas = new Map<string, Awaited<ReturnType<typeof nextStopEta>>>();
  const deliveries: HouseholdDelivery[] = [];
  for (const r of rows) {
    const onTheRoad = ON_ROAD_ROUND_STATUSES.includes(r.roundStatus);
    const batch = `${r.roundId}_${r.tripId}`;
    if (onTheRoad && !etas.has(batch)) etas.set(batch, await nextStopEta(deps.db, r.roundId, r.tripId));
    const eta = etas.get(batch);
    const at = timings.get(r.stopId);
    deliveries.push({
      needId: r.needId, kind: r.kind, needStatus: r.needStatus, onTheRoad, gate: r.gate, plannedS: at?.startS ?? 0,
      window: at?.window ? { fromS: at.window[0], untilS: at.window[1] } : null, vehiclePlate: r.vehiclePlate,
      eta: eta && eta.stopId === r.stopId ? { from: eta.from.toISOString(), until: eta.until.toISOString() } : null,
    });
  }
  return { shiftStartMin: ROUND_SHIFT_START_MIN, deliveries };
}

export interface EtaPublishDeps {
  db: Db;
  /** Absent (an API without Redis): nothing is published; the page reads its window on its next load. */
  publisher: Pick<LivePublisher, 'publish'> | undefined;
  logger?: Logger | undefined;
}

/**
 * After a stop of the batch closed: the next open stop's households hear the window the van is
 * expected in. Never fails the caller (the stop is closed already; the page polls too).
 */
export async function publishNextStopEta(deps: EtaPublishDeps, batchId: string): Promise<void> {
  const trip = parseBatchId(batchId);
  if (!deps.publisher || !trip) return;
  try {
    const eta = await nextStopEta(deps.db, trip.roundId, trip.tripId);
    if (!eta || eta.householdIds.length === 0) return;
    await deps.publisher.publish(eta.householdIds.map((h) => scope.household(h)), {
      type: 'delivery.eta', batchId, stopId: eta.stopId, from: eta.from.toISOString(), until: eta.until.toISOString(),
    });
  } catch (err) {
    deps.logger?.warn({ err, batchId }, 'delivery ETA not published');
  }
}
