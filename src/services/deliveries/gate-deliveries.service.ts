/**
 * What arrives at a corridor's gate: the stops of dispatched (or running) rounds there, with the
 * bags grouped per household, so the coordinator can check them off at the handover, and the
 * corridor's waste pickups beside them (the truck, when, what the crew recorded). Bag ids and need
 * kinds only, never a drug name. Readable by whoever may read the corridor.
 */
import type { Actor } from '../../domain/access';
import { AppError } from '../../shared/errors';
import type { Db } from '../../store/db';
import { findArea } from '../../store/grid.repository';
import { gateBagRows } from '../../store/delivery.repository';
import { batchId } from '../../contracts/events';
import { guardCorridor } from '../access/access-guard';
import type { AuditService } from '../access/audit.service';
import { checkOffsOfStops, photosOfStops } from '../../store/gate-checkoff.repository';
import { photoHref } from './gate-photo.service';
import { checkOffView, type CheckOffView } from './gate-checkoff.service';
import { gateWasteRows } from '../../store/gate-waste.repository';
import { ROUND_SHIFT_START_MIN } from '../../domain/gate-hours';
import type { WasteCategory } from '../../domain/need-kinds';

export interface GateDelivery {
  batchId: string;
  stopId: string;
  status: 'pending' | 'loaded' | 'delivered' | 'failed';
  plannedStartS: number;
  /** Each household's bags and, once the chief ticked the door, the check-off (so a reloaded phone shows it). */
  households: { householdId: string; address: string; bags: { bagId: string; kind: string }[]; checkOff: CheckOffView | null }[];
  /** Photos attached at this stop (a failed door: its household; a handoff: none), oldest first. */
  photos: { id: string; householdId: string | null; href: string }[];
}

/** A waste stop at the gate: the truck, its planned time, what the corridor asked for and what the crew recorded. */
export interface GateWastePickup {
  batchId: string;
  stopId: string;
  status: GateDelivery['status'];
  plannedStartS: number;
  vehicleName: string;
  vehiclePlate: string | null;
  requested: { category: WasteCategory; bags: number; kg: number }[];
  pickup: { bags: number; kg: number; pickedAt: string } | null;
}

export interface GateView {
  deliveries: GateDelivery[];
  /** Planned times count seconds from this minute of the day. */
  shiftStartMin: number;
  wastePickups: GateWastePickup[];
}

/** The gate's deliveries and waste pickups, for whoever may read the corridor. */
export async function gateView(deps: { db: Db; audit: AuditService | undefined }, actor: Actor, corridorId: string, reqId?: string): Promise<GateView> {
  const deliveries = await gateDeliveries(deps, actor, corridorId, reqId);
  const wastePickups = (await gateWasteRows(deps.db, corridorId)).map((w) => ({
    batchId: batchId(w.roundId, w.tripId), stopId: w.stopId, status: w.status, plannedStartS: w.plannedStartS, vehicleName: w.vehicleName, vehiclePlate: w.vehiclePlate,
    requested: w.requested.map((r) => ({ ...r, category: r.category as WasteCategory })),
    pickup: w.pickup && { bags: w.pickup.bags, kg: w.pickup.kg, pickedAt: w.pickup.pickedAt.toISOString() },
  }));
  return { deliveries, shiftStartMin: ROUND_SHIFT_START_MIN, wastePickups };
}

export async function gateDeliveries(deps: { db: Db; audit: AuditService | undefined }, actor: Actor, corridorId: string, reqId?: string): Promise<GateDelivery[]> {
  const area = await findArea(deps.db, corridorId);
  if (!area || area.kind !== 'corridor') throw new AppError('not_found', 'corridor not found');
  await guardCorridor({ audit: deps.audit, reqId }, actor, area.id, area.communityId ?? '', 'corridor.deliveries');
  const rows = await gateBagRows(deps.db, corridorId);
  const stops = new Map<string, GateDelivery>();
  for (const r of rows) {
    let stop = stops.get(r.stopId);
    if (!stop) {
      stop = { batchId: batchId(r.roundId, r.tripId), stopId: r.stopId, status: r.status, plannedStartS: r.plannedStartS, households: [], photos: [] };
      stops.set(r.stopId, stop);
    }
    let household = stop.households.find((h) => h.householdId === r.householdId);
    if (!household) {
      household = { householdId: r.householdId, address: r.address, bags: [], checkOff: null };
      stop.households.push(household);
    }
    household.bags.push({ bagId: r.bagId, kind: r.kind });
  }
  for (const c of await checkOffsOfStops(deps.db, [...stops.keys()])) {
    const household = stops.get(c.stopId)?.households.find((h) => h.householdId === c.householdId);
    if (household) household.checkOff = checkOffView(c);
  }
  for (const p of await photosOfStops(deps.db, [...stops.keys()])) stops.get(p.stopId)?.photos.push({ id: p.id, householdId: p.householdId, href: photoHref(corridorId, p.stopId, p.id) });
  return [...stops.values()];
}
