/**
 * What arrives at a corridor's gate: the stops of dispatched (or running) rounds there, with the
 * bags grouped per household, so the coordinator can check them off at the handover. Bag ids and
 * need kinds only, never a drug name. Readable by whoever may read the corridor.
 */
import { sql } from 'kysely';
import type { Actor } from '../../domain/access';
import { AppError } from '../../shared/errors';
import type { Db } from '../../store/db';
import { findArea } from '../../store/grid.repository';
import { batchId } from '../../contracts/events';
import { guardCorridor } from '../access/access-guard';
import type { AuditService } from '../access/audit.service';
import { ON_ROAD_ROUND_STATUSES } from '../../domain/round';

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
  const rows = await sql<{ round_id: string; trip_id: string; stop_id: string; status: GateDelivery['status']; planned_start_s: number; household_id: string; address: string; bag_id: string; kind: string }>`
    select s.round_id, s.trip_id, s.id::text as stop_id, s.status, s.planned_start_s, h.id as household_id, h.address, b.bag_id, n.kind
    from round_stops s
    join rounds r on r.id = s.round_id
    join round_bags b on b.stop_id = s.id
    join needs n on n.id = b.need_id
    join households h on h.id = n.household_id
    where s.corridor_id = ${corridorId} and r.status in (${sql.join(ON_ROAD_ROUND_STATUSES)})
    order by r.created_at, s.id, h.address, b.bag_id`.execute(deps.db);
  const stops = new Map<string, GateDelivery>();
  for (const r of rows.rows) {
    let stop = stops.get(r.stop_id);
    if (!stop) {
      stop = { batchId: batchId(r.round_id, r.trip_id), stopId: r.stop_id, status: r.status, plannedStartS: Number(r.planned_start_s), households: [] };
      stops.set(r.stop_id, stop);
    }
    let household = stop.households.find((h) => h.householdId === r.household_id);
    if (!household) {
      household = { householdId: r.household_id, address: r.address, bags: [] };
      stop.households.push(household);
    }
    household.bags.push({ bagId: r.bag_id, kind: r.kind });
  }
  return [...stops.values()];
}
