/**
 * A round's stored plan as the plan check reads it (planning/adapters/stored-plan.ts): trips with
 * their departure, stops in visiting order with the needs they carry (as planning reads needs:
 * load, skills, gate hours, no medical details), and the vehicles the trips name. Read inside the
 * transaction that changed the plan, so the check sees the change before it commits.
 */
import { ROUND_KIND_SPECS } from '../domain/round';
import type { Db } from './db';
import { loadNeedsById, loadPlanNeeds, loadVehicles, type NeedInRound, type VehicleInRound } from './round-inputs.repository';
import { sitesForPlan, type SiteInRound } from './waste.repository';

export interface CheckStop { id: string; seq: number; corridorId: string; status: string; needs: NeedInRound[] }
export interface CheckTrip { id: string; vehicleId: string; tripNo: number; departS: number; stops: CheckStop[]; unload?: { siteId: string; startS: number } }
/**
 * The plan's trips (by vehicle, then trip number) and the vehicles they name; for a collection round
 * (waste) the disposal sites and the skills every collecting vehicle must hold.
 */
export interface PlanForCheck { trips: CheckTrip[]; vehicles: VehicleInRound[]; collection?: { sites: SiteInRound[]; skills: readonly string[] } }

/**
 * @param tripIds only these trips (non-empty), for a read of some stops' times: a delivery trip is
 * timed from its own departure and stops (a resident's page, issue #17 item 7). Default: every trip.
 */
export async function loadStoredPlan(trx: Db, roundId: string, tripIds?: readonly string[]): Promise<PlanForCheck> {
  const round = await trx.selectFrom('rounds').select('kind').where('id', '=', roundId).executeTakeFirst();
  const spec = round ? ROUND_KIND_SPECS[round.kind] : undefined;
  const trips = await trx.selectFrom('round_trips').select(['id', 'vehicle_id', 'trip_no', 'depart_s', 'unload_site_id', 'unload_start_s'])
    .where('round_id', '=', roundId).$if(tripIds !== undefined, (q) => q.where('id', 'in', tripIds!))
    .orderBy('vehicle_id').orderBy('trip_no').orderBy('id').execute();
  const stops = await trx.selectFrom('round_stops').select(['id', 'trip_id', 'seq', 'corridor_id', 'status'])
    .where('round_id', '=', roundId).$if(tripIds !== undefined, (q) => q.where('trip_id', 'in', tripIds!))
    .orderBy('trip_id').orderBy('seq').execute();
  const bags = stops.length === 0 ? [] : await trx.selectFrom('round_bags').select(['stop_id', 'need_id']).distinct().where('round_id', '=', roundId)
    .$if(tripIds !== undefined, (q) => q.where('stop_id', 'in', stops.map((s) => s.id))).execute();
  const needs = new Map((tripIds ? await loadNeedsById(trx, [...new Set(bags.map((b) => b.need_id))]) : await loadPlanNeeds(trx, roundId)).map((n) => [n.id, n]));
  const needsOfStop = new Map<string, NeedInRound[]>();
  for (const b of bags) {
    const n = needs.get(b.need_id);
    if (!n) continue;
    const list = needsOfStop.get(String(b.stop_id));
    if (list) list.push(n);
    else needsOfStop.set(String(b.stop_id), [n]);
  }
  const stopsOfTrip = new Map<string, CheckStop[]>();
  for (const s of stops) {
    const id = String(s.id);
    const list = (needsOfStop.get(id) ?? []).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const stop = { id, seq: s.seq, corridorId: s.corridor_id, status: s.status, needs: list };
    const onTrip = stopsOfTrip.get(s.trip_id);
    if (onTrip) onTrip.push(stop);
    else stopsOfTrip.set(s.trip_id, [stop]);
  }
  const vehicles = await loadVehicles(trx, [...new Set(trips.map((t) => t.vehicle_id))].sort());
  return {
    trips: trips.map((t) => ({
      id: t.id, vehicleId: t.vehicle_id, tripNo: t.trip_no, departS: Number(t.depart_s), stops: stopsOfTrip.get(t.id) ?? [],
      ...(t.unload_site_id ? { unload: { siteId: t.unload_site_id, startS: Number(t.unload_start_s ?? 0) } } : {}),
    })),
    vehicles,
    ...(spec?.collects ? { collection: { sites: await sitesForPlan(trx, trips.flatMap((t) => (t.unload_site_id ? [t.unload_site_id] : []))), skills: spec.vehicleSkills } } : {}),
  };
}
