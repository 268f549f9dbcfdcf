/**
 * A driver's batches of the day: the trips of dispatched (or running) rounds assigned to them, in
 * route order, each stop with its gate (corridor), position, status and bags. Bags carry their id,
 * household and need kind only: never a drug name or a need's details.
 */
import type { Db } from '../../store/db';
import { driverStopRows } from '../../store/delivery.repository';
import { batchId } from '../../contracts/events';

/** `householdId` null: a corridor's waste bag, picked up at the gate. */
export interface DriverStopBag { bagId: string; householdId: string | null; kind: string }
export interface DriverStop {
  stopId: string; seq: number; corridorId: string; gate: string; community: string | null;
  /** Usernames of the corridor's coordinators, to hand the bags over to. */
  coordinators: string[]; lat: number | null; lon: number | null;
  status: 'pending' | 'loaded' | 'delivered' | 'failed'; urgent: boolean; bags: DriverStopBag[];
  /** Shown to the coordinator at the gate, who types it in to confirm the handover. Only the driver reads it. */
  handoffCode: string | null;
  /** A waste stop: the bags and kg the crew recorded taking (PUT /api/rounds/:roundId/stops/:stopId/waste-pickup); null: none yet. */
  pickup: { bags: number; kg: number } | null;
}
export interface DriverBatch {
  batchId: string; roundId: string; tripId: string; tripNo: number;
  /** The vehicle as the driver finds it in the yard ("Van 1 (沪A·12345)"), its plate, and the depot it loads at. */
  vehicleName: string; vehiclePlate: string | null; depotName: string;
  /** Leaves the depot, seconds from the round's start: trip 2 leaves once trip 1 is back and reloaded. */
  departS: number;
  /** When the driver reported leaving the depot (PUT .../trips/:tripId/departure); null until then. */
  departedAt: string | null;
  roundStatus: string; stops: DriverStop[];
  /** A waste trip ends unloading at this disposal site (by name), from `startS`; null for deliveries. */
  unload: { siteName: string; lat: number; lon: number; startS: number } | null;
  /**
   * A waste trip's records after its stops (issue #18, item 2): its weight at the disposal site and the vehicle's
   * disinfection, null until recorded; null for deliveries. The trip stays here until both are.
   */
  custody: { unloadedKg: number | null; disinfection: { agent: string; disinfectedAt: string } | null } | null;
}

export async function driverBatches(db: Db, driverId: string): Promise<DriverBatch[]> {
  const rows = await driverStopRows(db, driverId);
  const batches = new Map<string, DriverBatch>();
  for (const r of rows) {
    const id = batchId(r.roundId, r.tripId);
    let batch = batches.get(id);
    if (!batch) {
      batch = {
        batchId: id, roundId: r.roundId, tripId: r.tripId, tripNo: r.tripNo, vehicleName: r.vehicleName, vehiclePlate: r.vehiclePlate, depotName: r.depotName, departS: r.departS, departedAt: r.departedAt,
        roundStatus: r.roundStatus, stops: [], unload: r.unload, custody: r.unload ? { unloadedKg: r.unloadedKg, disinfection: r.disinfection } : null,
      };
      batches.set(id, batch);
    }
    batch.stops.push({
      stopId: r.stopId, seq: r.seq, corridorId: r.corridorId, gate: r.gate, community: r.community, coordinators: r.coordinators,
      lat: r.lat, lon: r.lon, status: r.status, urgent: r.urgent, bags: r.bags, handoffCode: r.handoffCode, pickup: r.pickup,
    });
  }
  return [...batches.values()];
}
