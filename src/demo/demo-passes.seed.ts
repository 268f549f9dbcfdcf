/**
 * Hospitals of the demo district, and a couple of medical_pass needs already continued as pass
 * applications waiting in review, so community staff have something to approve (approval plans
 * the trips on the demo fleet's passenger vehicles).
 */
import { detailSchemas } from '../domain/need';
import type { Clock } from '../shared/clock';
import { insertPass, movePass } from '../store/pass.repository';
import { followPass } from '../store/pass-need.repository';

import { DEMO_HOSPITALS } from './demo-needs';
import type { Db } from '../store/db';

const ACTOR = 'system:demo-seed';
const TRAVELLERS = ['Wang Lihua', 'Chen Jianmin', 'Li Xiuying'];

/** Inserts the hospitals; returns their ids by name. */
export async function seedHospitals(trx: Db): Promise<Map<string, string>> {
  const rows = await trx.insertInto('hospitals').values(DEMO_HOSPITALS.map((h) => ({ ...h }))).returning(['id', 'name']).execute();
  return new Map(rows.map((r) => [r.name, r.id]));
}

/**
 * Continues `count` accepted medical_pass needs as passes under review, those of `communityId`
 * (the demo staff's) first, so the demo's community staff login can review them.
 */
export async function seedPassesInReview(trx: Db, clock: Clock, hospitals: ReadonlyMap<string, string>, communityId: string, count = 2): Promise<number> {
  const now = clock.now();
  const needs = await trx.selectFrom('needs as n').innerJoin('households as h', 'h.id', 'n.household_id')
    .select(['n.id', 'h.id as household_id', 'n.corridor_id', 'n.community_id', 'n.details'])
    .where('n.kind', '=', 'medical_pass').where('n.status', '=', 'accepted')
    .orderBy((eb) => eb('n.community_id', '=', communityId), 'desc').orderBy('h.address').limit(count).execute();
  for (const [i, need] of needs.entries()) {
    const details = detailSchemas.medical_pass.parse(need.details);
    const hospitalId = hospitals.get(details.hospital);
    if (!hospitalId) continue;
    const appointmentAt = new Date(details.appointmentAt);
    const pass = await insertPass(trx, {
      householdId: need.household_id, corridorId: need.corridor_id, communityId: need.community_id, person: TRAVELLERS[i % TRAVELLERS.length]!,
      hospitalId, reason: details.reason, appointmentAt, visitEndsAt: new Date(appointmentAt.getTime() + 2 * 3600_000),
      needsEscort: details.needsEscort, needsWheelchair: details.needsWheelchair, needId: need.id, createdBy: ACTOR, createdAt: now,
    });
    await followPass(trx, need.id, [['accepted', 'planned']], { actor: ACTOR, at: now, note: `continued as pass ${pass.id}` });
    await movePass(trx, pass, 'applied', 'under_review', { actor: ACTOR, at: now, note: 'demo: waiting for community staff' });
  }
  return needs.length;
}
