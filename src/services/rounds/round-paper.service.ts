/**
 * A round's printed paper (issue #17, item 5): the route sheet of a trip (dispatchers, admins, and
 * the trip's own driver), the loading list of a depot and the bag labels (dispatchers, admins).
 * A plan must exist (proposed or later). Nothing medical is read, so nothing needs an audited read.
 */
import type { Access } from '../access/authorization.service';
import { resolveSheetFont } from '../access/account-sheet.pdf';
import { ROUND_SHIFT_START_MIN } from '../../domain/gate-hours';
import { PLANNED_ROUND_STATUSES } from '../../domain/round';
import { stopTimings } from '../../planning/adapters/stored-plan';
import { AppError, notFound } from '../../shared/errors';
import type { Db } from '../../store/db';
import { loadStoredPlan } from '../../store/round-check.repository';
import { paperBags, paperRound, paperStops, paperTrips, tripLoads, type PaperRound } from '../../store/round-paper.repository';
import { paperTexts, type PaperLang } from './paper-texts';
import { renderBagLabels, renderLoadingList, renderRouteSheet, type LoadingListInput } from './round-paper.pdf';

export interface PaperDeps {
  db: Db;
  /** ACCOUNT_SHEET_FONT: the CJK font file (`path` or `path#Face`); default: Debian's WenQuanYi. */
  font?: string | undefined;
}

export interface Paper { pdf: Buffer; filename: string }

const PRINTERS = ['dispatcher', 'admin'] as const;

async function plannedRound(db: Db, roundId: string): Promise<PaperRound> {
  const round = await paperRound(db, roundId);
  if (!round) throw notFound('round');
  if (!PLANNED_ROUND_STATUSES.includes(round.status) && round.status !== 'completed') {
    throw new AppError('invalid_transition', `a round that is ${round.status} has no plan to print yet`);
  }
  return round;
}

const options = (deps: PaperDeps, lang: PaperLang) => ({ font: resolveSheetFont(deps.font), texts: paperTexts(lang) });

export async function routeSheet(deps: PaperDeps, access: Access, roundId: string, tripId: string, lang: PaperLang): Promise<Paper> {
  const action = 'round.route_sheet.print';
  // A driver may print their own trip's sheet; who else may is decided before anything is read.
  if (access.actor.role !== 'driver') await access.role(PRINTERS, action, 'round', roundId);
  const round = await plannedRound(deps.db, roundId);
  const trip = (await paperTrips(deps.db, roundId)).find((t) => t.id === tripId);
  if (!trip) throw notFound('trip');
  if (access.actor.role === 'driver') {
    if (!trip.driverId) await access.role(PRINTERS, action, 'round', roundId);
    else await access.driver(trip.driverId, action);
  }
  const timing = new Map(stopTimings(await loadStoredPlan(deps.db, roundId)).map((x) => [x.stopId, x.startS]));
  const stops = (await paperStops(deps.db, roundId, tripId)).map((s) => ({ ...s, servedS: timing.get(s.id) ?? s.plannedStartS }));
  const pdf = await renderRouteSheet({ round, trip, stops, shiftStartMin: ROUND_SHIFT_START_MIN }, options(deps, lang));
  return { pdf, filename: `route-sheet-trip-${trip.tripNo}-${safe(trip.vehicle)}.pdf` };
}

export async function loadingList(deps: PaperDeps, access: Access, roundId: string, depotId: string | undefined, lang: PaperLang): Promise<Paper> {
  await access.role(PRINTERS, 'round.loading_list.print', 'round', roundId);
  const round = await plannedRound(deps.db, roundId);
  const trips = await paperTrips(deps.db, roundId, depotId);
  if (depotId !== undefined && trips.length === 0) throw notFound('trip of this round at this depot');
  const loads = new Map((await tripLoads(deps.db, roundId, trips.map((t) => t.id))).map((l) => [l.tripId, l]));
  const depots = new Map<string, LoadingListInput['depots'][number]>();
  for (const trip of trips) {
    const depot = depots.get(trip.depotId) ?? { depotName: trip.depotName, trips: [] };
    depot.trips.push({ trip, load: loads.get(trip.id) });
    depots.set(trip.depotId, depot);
  }
  const pdf = await renderLoadingList({ round, depots: [...depots.values()], shiftStartMin: ROUND_SHIFT_START_MIN }, options(deps, lang));
  return { pdf, filename: `loading-list-${depotId && trips[0] ? safe(trips[0].depotName) : roundId.slice(0, 8)}.pdf` };
}

export async function bagLabels(deps: PaperDeps, access: Access, roundId: string, tripId: string | undefined, lang: PaperLang): Promise<Paper> {
  await access.role(PRINTERS, 'round.bag_labels.print', 'round', roundId);
  const round = await plannedRound(deps.db, roundId);
  if (tripId !== undefined && !(await paperTrips(deps.db, roundId)).some((t) => t.id === tripId)) throw notFound('trip');
  const pdf = await renderBagLabels({ round, bags: await paperBags(deps.db, roundId, tripId) }, options(deps, lang));
  return { pdf, filename: `bag-labels-${tripId ? safe(tripId) : roundId.slice(0, 8)}.pdf` };
}

/** A file name part: letters, digits and dashes only (plates and names hold spaces, dots and Chinese). */
const safe = (s: string): string => s.normalize('NFKD').replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'x';
