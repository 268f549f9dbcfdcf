/** The hospitals passes take people to: listed for every signed-in user, added by admins and dispatchers. */
import { insertHospital, listHospitals, type Hospital } from '../../store/pass.repository';
import type { Db } from '../../store/db';

/** Every hospital, by name then id. */
export function hospitals(deps: { db: Db }): Promise<Hospital[]> {
  return listHospitals(deps.db);
}

/** Adds a hospital (input validated at the edge); returns it with its id. */
export function createHospital(deps: { db: Db }, input: Omit<Hospital, 'id'>): Promise<Hospital> {
  return insertHospital(deps.db, input);
}
