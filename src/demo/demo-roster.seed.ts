/**
 * The demo district's driver shifts (issue #18, item 3): each depot works two 12-hour shifts, Day
 * from 08:00 and Night from 20:00 (on a round's clock 0-12 h and 12-24 h: nothing departs before
 * the round's 08:00 origin), and every driver has a standing entry on one of them from the seed day
 * on, with the vehicle they take. Written through the roster service the API uses, so the duty-hours
 * and rest limits are checked as a dispatcher's roster would be.
 *
 * One driver cannot work both shifts (24 h of duty, no rest): the vans and pass cars have night
 * drivers of their own (a pass car drives each shift it is rostered on, so night emergencies get a
 * car and tomorrow's appointments still find the day driver). The demo driver login (Driver 1) and
 * the pass cars' usual drivers are on Day; the waste crews too, and nobody else holds the trucks'
 * licence class (B) at night: the disposal site closes at 22:00.
 */
import type { Actor } from '../domain/access';
import type { DriverLimits } from '../domain/shifts';
import { createShiftTemplate, rosterDriver } from '../services/fleet/roster.service';
import type { Db } from '../store/db';

/** Settings the roster keeps (DRIVER_* and ROSTER_TIME_ZONE). */
export interface DemoRosterSettings { limits: DriverLimits; timeZone: string }

const SHIFTS = { Day: '08:00', Night: '20:00' } as const;
type ShiftName = keyof typeof SHIFTS;

/** Driver, the vehicle they take, their shift: names as in src/demo/files. */
const CREWS: readonly (readonly [driver: string, vehicle: string, shift: ShiftName])[] = [
  ['Driver 1', 'Van 1', 'Day'], ['Zhou Qiang', 'Van 1', 'Night'],
  ['Driver 3', 'Van 3', 'Day'], ['Wu Haitao', 'Van 3', 'Night'],
  ['Driver 5', 'Van 5', 'Day'], ['Sun Meiling', 'Van 5', 'Night'],
  ['Driver 2', 'Van 2', 'Day'], ['Ma Jun', 'Van 2', 'Night'],
  ['Driver 4', 'Van 4', 'Day'], ['Hu Xiaoyan', 'Van 4', 'Night'],
  ['Driver 6', 'Van 6', 'Day'], ['Guo Peng', 'Van 6', 'Night'],
  ['Transfer Driver 1', 'Transfer Car 1', 'Day'], ['Lin Guohua', 'Transfer Car 1', 'Night'],
  ['Transfer Driver 2', 'Wheelchair Van 1', 'Day'], ['Xu Lijuan', 'Wheelchair Van 1', 'Night'],
  ['Transfer Driver 3', 'Transfer Car 2', 'Day'], ['He Jianguo', 'Transfer Car 2', 'Night'],
  ['Transfer Driver 4', 'Wheelchair Van 2', 'Day'], ['Luo Fang', 'Wheelchair Van 2', 'Night'],
  ['Waste Crew 1', 'Waste Truck 1', 'Day'], ['Waste Crew 2', 'Waste Truck 2', 'Day'],
];

/** The local date of `at` in `timeZone`, YYYY-MM-DD. */
const dateIn = (at: Date, timeZone: string): string => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

/** Templates per depot and the standing roster from the day before `at`'s date (the shift on duty); answers the shifts written. */
export async function seedRoster(db: Db, system: Actor, settings: DemoRosterSettings, at: Date): Promise<number> {
  const deps = { db, audit: undefined, ...settings };
  const depots = await db.selectFrom('depots').select(['id']).where('active', '=', true).orderBy('name').execute();
  const drivers = new Map((await db.selectFrom('drivers').select(['id', 'name', 'depot_id']).where('active', '=', true).execute()).map((d) => [d.name, d]));
  const vehicles = new Map((await db.selectFrom('vehicles').select(['id', 'name']).where('active', '=', true).execute()).map((v) => [v.name, v.id]));
  const templates = new Map<string, string>();
  for (const depot of depots) {
    for (const [name, startsAt] of Object.entries(SHIFTS)) {
      const t = await createShiftTemplate(deps, system, depot.id, { name, startsAt, lengthMinutes: 12 * 60 });
      templates.set(`${depot.id}/${name}`, t.id);
    }
  }
  // From the day before: the Night shift that began yesterday evening (local) is the one on duty until
  // 08:00. Rostered from today, a demo seeded between midnight and 08:00 local had no car on shift, and
  // an emergency raised then found none ('appointment-unreachable').
  const from = dateIn(new Date(at.getTime() - 86_400_000), settings.timeZone);
  for (const [name, vehicle, shift] of CREWS) {
    const driver = drivers.get(name);
    const vehicleId = vehicles.get(vehicle);
    if (!driver || !vehicleId) throw new Error(`demo roster: ${name} or ${vehicle} is not in src/demo/files`);
    await rosterDriver(deps, system, { driverId: driver.id, templateId: templates.get(`${driver.depot_id}/${shift}`)!, from, vehicleId });
  }
  return CREWS.length;
}
