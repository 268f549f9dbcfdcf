/**
 * What arrives at a corridor's gate: the stops of dispatched (or running) rounds there, with the
 * bags grouped per household, so the coordinator can check them off at the handover. Bag ids and
 * need kinds only, never a drug name. Readable by whoever may read the corridor.
 */
import type { Actor } from '../../domain/access';
import { AppError } from '../../shared/errors';
import type { Db } from '../../store/db';
import { findArea } from '../../store/grid.repository';
import { gateBagRows } from '../../store/delivery.repository';
import { batchId } from '../../contracts/events';
import { guardCorridor } from '../access/access-guard';
import type { AuditService } from '../access/audit.service';

export interface GateDelivery {
  batchId: string;
  stopId: string;
  status: 'pending' | 'loaded' | 'delivered' | 'failed';
  plannedStartS: number;
  households: { householdId: string; address: string; bags: { bagId: string; kind: string }[] }[];
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
      stop = { batchId: batchId(r.roundId, r.tripId), stopId: r.stopId, status: r.status, plannedStartS: r.plannedStartS, households: [] };
      stops.set(r.stopId, stop);
    }
    let household = stop.households.find((h) => h.householdId === r.householdId);
    if (!household) {
      household = { householdId: r.householdId, address: r.address, bags: [] };
      stop.households.push(household);
    }
    household.bags.push({ bagId: r.bagId, kind: r.kind });
  }
  return [...stops.values()];
}
