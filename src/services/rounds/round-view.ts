/** Read models of a round for the dispatcher: status with progress, and the full proposal. */
import { notFound } from '../../shared/errors';
import type { ProposalView, RoundView } from '../../contracts/rounds.contract';
import type { Db } from '../../store/db';
import { getRound, getRoundHead, subproblemStates, type RoundHead } from '../../store/round.repository';
import { loadingList, planNames, readPlan } from '../../store/round-plan.repository';
import { allocationNames, changedNeedItems, unservedDetails } from '../../store/round-allocation.repository';
import type { PlanBag, PlanUnserved, StockShortDetail } from '../../domain/round-plan';
import type { RoundAllocationSummary } from './round-allocation.service';
import { stopTimings } from '../../planning/adapters/stored-plan';
import { ROUND_SHIFT_MIN, ROUND_SHIFT_START_MIN } from '../../domain/gate-hours';
import { loadStoredPlan } from '../../store/round-check.repository';
import { siteNames } from '../../store/waste.repository';
import { activeVehicles, custodyOfRound, type TripCustody } from '../../store/waste-custody.repository';
import { ROUND_KIND_SPECS, vehicleFitsRound, type RoundKind } from '../../domain/round';
import { awaitingDisinfection } from './round-fleet';
import { hasRoster, roundRoster } from './round-roster';

export async function roundView(db: Db, roundId: string): Promise<RoundView> {
  const round = await getRoundHead(db, roundId);
  if (!round) throw notFound('round');
  return toView(db, round);
}

export async function toView(db: Db, round: RoundHead): Promise<RoundView> {
  const subs = await subproblemStates(db, round.id);
  return {
    id: round.id, areaId: round.area_id, kind: round.kind, status: round.status, progress: round.progress,
    failureReason: round.failure_reason,
    subproblems: { total: subs.total, solved: subs.solved },
    createdAt: new Date(round.created_at).toISOString(), updatedAt: new Date(round.updated_at).toISOString(),
  };
}

export async function proposalView(db: Db, roundId: string): Promise<ProposalView> {
  const round = await getRound(db, roundId);
  if (!round) throw notFound('round');
  const plan = await readPlan(db, roundId);
  const names = await planNames(db, roundId);
  // Each stop's window and time as the plan validator computes them (gate hours, medicine deadlines).
  const timing = new Map(stopTimings(await loadStoredPlan(db, roundId)).map((x) => [x.stopId, x]));
  const sites = await siteNames(db, plan.trips.flatMap((t) => (t.unload ? [t.unload.siteId] : [])));
  const custody = ROUND_KIND_SPECS[round.kind].collects ? await custodyOfRound(db, roundId) : null;
  return {
    roundId, status: round.status, shiftStartMin: ROUND_SHIFT_START_MIN, shiftEndS: await shiftEndOf(db, roundId, plan.trips),
    trips: plan.trips.map((t) => ({
      id: t.id, vehicleId: t.vehicleId, depotId: t.depotId, driverId: t.driverId ?? null, tripNo: t.tripNo, distanceM: t.distanceM, durationS: t.durationS, departS: t.departS ?? 0,
      vehicleName: names.vehicles.get(t.vehicleId) ?? t.vehicleId, vehiclePlate: names.plates.get(t.vehicleId) ?? null, depotName: names.depots.get(t.depotId) ?? t.depotId,
      driverName: t.driverId ? names.drivers.get(t.driverId) ?? null : null,
      unload: t.unload ? { siteId: t.unload.siteId, siteName: sites.get(t.unload.siteId) ?? t.unload.siteId, startS: t.unload.startS } : null,
      custody: custody && custodyView(custody.get(t.id)),
      stops: t.stops.map((s, seq) => {
        const at = timing.get(s.id ?? '');
        return {
          id: s.id ?? '', seq, locked: s.locked ?? false, corridorId: s.corridorId, plannedStartS: s.plannedStartS, status: s.status ?? 'pending', urgent: s.urgent ?? false, bags: s.bags,
          window: at?.window ? { fromS: at.window[0], untilS: at.window[1] } : null, servedS: at?.startS ?? s.plannedStartS, late: at?.late ?? false,
          deadlineS: at?.deadlineS ?? null, deadlineMissed: at?.deadlineMissed ?? false,
        };
      }),
    })),
    loadingList: (await loadingList(db, roundId)).map((l) => ({ ...l, depotName: names.depots.get(l.depotId) ?? l.depotId })),
    ...(await allocationOf(db, roundId, round.allocation, plan.unserved)),
    packingChanges: await packingChanges(db, roundId, plan.trips.flatMap((t) => t.stops.flatMap((s) => s.bags))),
    setPartitioning: setPartitioningOf(round.merge_note),
    fleetNotes: await fleetNotesOf(db, round.kind),
  };
}

/** Why a vehicle that fits the round's kind is not in its fleet: for food and medicine, a waste trip not yet followed by a disinfection. */
async function fleetNotesOf(db: Db, kind: RoundKind): Promise<ProposalView['fleetNotes']> {
  if (!ROUND_KIND_SPECS[kind].disinfectedOnly) return [];
  const fitting = (await activeVehicles(db)).filter((v) => vehicleFitsRound(kind, v.skills));
  const waiting = await awaitingDisinfection(db, kind, fitting.map((v) => v.id));
  return fitting.filter((v) => waiting.has(v.id)).map((v) => ({ vehicleId: v.id, vehicleName: v.name, reason: 'awaiting_disinfection' as const }));
}

function custodyView(c: TripCustody | undefined): NonNullable<ProposalView['trips'][number]['custody']> {
  const u = c?.unload;
  const d = c?.disinfection;
  return {
    pickedKg: c?.pickedKg ?? 0, pickedBags: c?.pickedBags ?? 0, pickups: c?.pickups ?? 0,
    unload: u ? { kg: u.kg, pickedKg: u.pickedKg, discrepancy: u.discrepancy, flagged: u.flagged, unloadedAt: u.unloadedAt.toISOString() } : null,
    disinfection: d ? { agent: d.agent, disinfectedAt: d.disinfectedAt.toISOString() } : null,
  };
}

function setPartitioningOf(note: unknown): ProposalView['setPartitioning'] {
  if (!note || typeof note !== 'object') return null;
  const n = note as { status: NonNullable<ProposalView['setPartitioning']>['status']; mergedCost: number; cost: number; elapsedMs: number };
  return { status: n.status, mergedCost: n.mergedCost, cost: n.cost, elapsedMs: Math.round(n.elapsedMs) };
}

/** The unserved list with what stock-short needs lacked, and the allocation's explanation, in names. */
async function allocationOf(db: Db, roundId: string, stored: unknown, unserved: readonly PlanUnserved[]): Promise<Pick<ProposalView, 'unserved' | 'allocation'>> {
  const summary = stored as RoundAllocationSummary | null;
  const details = await unservedDetails(db, roundId);
  const items = new Set([...details.values()].flatMap((d) => d.short.map((s) => s.item)));
  for (const l of summary?.lines ?? []) items.add(l.itemId);
  const names = await allocationNames(db, [...new Set((summary?.lines ?? []).map((l) => l.communityId))], [...items]);
  const itemName = (code: string): string => names.items.get(code) ?? code;
  return {
    unserved: unserved.map((u) => {
      const d: StockShortDetail | undefined = details.get(u.needId);
      return d ? { ...u, short: d.short.map((s) => ({ ...s, itemName: itemName(s.item) })), depots: d.depots } : u;
    }),
    allocation: summary && {
      method: summary.method, solver: summary.solver, elapsedMs: summary.elapsedMs, served: summary.served, unserved: summary.unserved, substituted: summary.substituted,
      lines: summary.lines.map((l) => ({ ...l, communityName: names.communities.get(l.communityId) ?? l.communityId, itemName: itemName(l.itemId) })),
    },
  };
}

/** Bags packed otherwise than their kit says (substitutes, optional parts left out), in item names. */
async function packingChanges(db: Db, roundId: string, bags: readonly PlanBag[]): Promise<ProposalView['packingChanges']> {
  const changed = await changedNeedItems(db, roundId);
  if (changed.size === 0) return [];
  const codes = [...changed.values()].flatMap((i) => [...i.lines.flatMap((l) => (l.for ? [l.item, l.for] : [])), ...i.leftOut.map((o) => o.item)]);
  const { items } = await allocationNames(db, [], [...new Set(codes)]);
  const name = (code: string): string => items.get(code) ?? code;
  return [...changed].map(([needId, i]) => ({
    needId,
    bagIds: bags.filter((b) => b.needId === needId).map((b) => b.bagId),
    substituted: i.lines.flatMap((l) => (l.for ? [{ item: name(l.item), for: name(l.for), quantity: l.quantity }] : [])),
    leftOut: i.leftOut.map((o) => ({ item: name(o.item), quantity: o.quantity })),
  }));
}

/**
 * When the round's working day ends: the latest end of the rostered duties of the drivers it uses
 * (a depot on 2 x 12 h shifts works until 08:00 next day), the default shift's end without a roster.
 */
async function shiftEndOf(db: Db, roundId: string, trips: readonly { driverId?: string | null }[]): Promise<number> {
  if (!(await hasRoster(db, roundId))) return ROUND_SHIFT_MIN * 60;
  const drivers = new Set(trips.flatMap((t) => (t.driverId ? [t.driverId] : [])));
  const ends = (await roundRoster(db, roundId)).duties.filter((d) => drivers.has(d.driverId)).map((d) => d.end);
  return Math.max(ROUND_SHIFT_MIN * 60, ...ends);
}
