/**
 * What a pass's status change means for its transport: approval plans the outbound leg (home to
 * hospital, dropped by the appointment) and the return leg (from the end of the visit); trips
 * done close their leg; refusal, cancellation, expiry or an early hand-back take the legs off
 * their trips; a linked intake need follows along. Runs inside the status change's transaction,
 * a transport batch's (transport-batch.ts) where it touches transport: the legs an approval wants
 * placed are returned, and the batch places them together with the others'.
 */
import type { Pass } from '../../domain/pass';
import type { NeedStatus } from '../../domain/need-status';
import { legEnds, setPassDriver } from '../../store/pass.repository';
import { followPass } from '../../store/pass-need.repository';
import { insertRequest, legsOfPass, requestsOf, type NewRequest, type RequestRow } from '../../store/pass-transport.repository';

import { cancelRequests, completeLegs, type Placement } from './pass-transport.service';
import type { Db } from '../../store/db';

const MIN = 60_000;
/** The outbound pickup is not earlier than this before the appointment. */
const OUTBOUND_LEAD_MS = 120 * MIN;
/** The return drop is due at most this long after the visit ends. */
const RETURN_SPAN_MS = 180 * MIN;

/** Where a pass's legs start and end (store/pass.repository.ts `legEnds`). */
export type LegEnds = NonNullable<Awaited<ReturnType<typeof legEnds>>>;

/**
 * Where the legs of `pass` will start and end, read before its approval waits for the transport
 * batch: a household's place and a hospital's do not change while it waits, and every statement
 * inside the batch holds the lock every other process waits for (issue #21).
 */
export const legEndsOf = async (db: Db, pass: Pick<Pass, 'householdId' | 'hospitalId'>): Promise<LegEnds> => (await legEnds(db, pass.householdId, pass.hospitalId))!;

/** Inserts the pass's two legs (`ends`: read before, else here); returns those still to place (a retried approval finds them placed). */
async function insertLegs(trx: Db, pass: Pass, now: Date, ends?: LegEnds): Promise<RequestRow[]> {
  const { home, hospital } = ends ?? (await legEndsOf(trx, pass));
  const common = {
    pass_id: pass.id, emergency_id: null, household_id: pass.householdId, community_id: pass.communityId, seats: 1,
    wheelchair: pass.needsWheelchair, escort: pass.needsEscort, isolated: home.isolated, goods: false, urgent: false,
  };
  const legs: NewRequest[] = [
    {
      ...common, leg: 'outbound', pickup_lat: home.lat, pickup_lon: home.lon, drop_lat: hospital.lat, drop_lon: hospital.lon,
      earliest_pickup: new Date(Math.max(now.getTime(), pass.appointmentAt.getTime() - OUTBOUND_LEAD_MS)), latest_drop: pass.appointmentAt,
    },
    {
      ...common, leg: 'return', pickup_lat: hospital.lat, pickup_lon: hospital.lon, drop_lat: home.lat, drop_lon: home.lon,
      earliest_pickup: pass.visitEndsAt, latest_drop: new Date(pass.visitEndsAt.getTime() + RETURN_SPAN_MS),
    },
  ];
  // Side by side: the legs of a batch's approvals go in one statement.
  const rows = await Promise.all(legs.map((leg) => insertRequest(trx, leg)));
  return rows.filter((r) => r.status === 'pending' || r.status === 'unserved');
}

/** Once the legs are placed: the outbound leg's driver is the pass's driver (the one who may mark its trips). Returns the pass as it now is. */
export async function recordPassDriver(trx: Db, pass: Pass, legs: readonly RequestRow[], placement: Placement): Promise<Pass> {
  const outbound = legs.find((r) => r.leg === 'outbound');
  const driver = outbound ? placement.assigned.get(outbound.id)?.driverId : undefined;
  return driver ? setPassDriver(trx, { passId: pass.id, driverId: driver }) : pass;
}

/** Legs still to ride (a done or cancelled leg never opens again). */
const OPEN_LEGS: readonly RequestRow['status'][] = ['pending', 'assigned', 'unserved'];

/** What the linked intake need does when its pass reaches a status: steps along the need machine. */
const NEED_STEPS: Partial<Record<Pass['status'], readonly (readonly [NeedStatus, NeedStatus])[]>> = {
  issued: [['planned', 'out_for_delivery']],
  returned: [['planned', 'out_for_delivery'], ['out_for_delivery', 'delivered']],
  refused: [['accepted', 'cancelled'], ['planned', 'cancelled']],
  expired: [['accepted', 'cancelled'], ['planned', 'cancelled']],
  cancelled: [['accepted', 'cancelled'], ['planned', 'cancelled'], ['out_for_delivery', 'failed']],
};

/**
 * Statuses whose move touches transport (places, completes or cancels legs): those moves run in a
 * transport batch, under the planning lock. The others (review, issue, at the hospital) do not wait for it.
 */
export const MOVES_TRANSPORT: readonly Pass['status'][] = ['approved', 'outbound_done', 'return_done', 'refused', 'cancelled', 'expired', 'returned'];

/**
 * Whether moving the pass to `to` touches transport, given its legs as read before: an approval
 * places legs; a trip done or a pass closed only when a leg it closes is still open (a pass handed
 * back after both trips has nothing left on a trip). A leg once done or cancelled never opens again,
 * so a read outside the lock cannot miss one.
 */
export function movesTransport(to: Pass['status'], legs: readonly Pick<RequestRow, 'leg' | 'status'>[]): boolean {
  if (!MOVES_TRANSPORT.includes(to)) return false;
  if (to === 'approved') return true;
  const closes = to === 'outbound_done' ? ['outbound'] : to === 'return_done' ? ['return'] : ['outbound', 'return'];
  return legs.some((l) => closes.includes(l.leg) && OPEN_LEGS.includes(l.status));
}

/** movesTransport for the pass `passId`, reading its legs only when the answer depends on them (not for a review, an issue or an approval). */
export async function movesTransportOf(db: Db, passId: string, to: Pass['status']): Promise<boolean> {
  if (!MOVES_TRANSPORT.includes(to) || to === 'approved') return movesTransport(to, []);
  return movesTransport(to, await requestsOf(db, { passId }));
}

/** Statuses only a pass never approved is in: its legs are planned at approval, so it has none. */
const BEFORE_LEGS: readonly Pass['status'][] = ['applied', 'under_review', 'refused'];

/** The pass's legs, read only when it can have any (a review's answer reads none: issue #21, each statement of a morning's thousand counts). */
export async function legsOf(db: Db, pass: Pick<Pass, 'id' | 'status'>): Promise<RequestRow[]> {
  return BEFORE_LEGS.includes(pass.status) ? [] : requestsOf(db, { passId: pass.id });
}

/** Statuses whose move writes nothing but the pass (its history and audit in the same statement), unless a need follows the pass. */
const PASS_ONLY: readonly Pass['status'][] = ['applied', 'under_review', 'issued', 'at_hospital', 'overdue'];

/** Whether moving `pass` to `to` is the pass's one statement: no legs to place, close or cancel, no linked need to step (onPassMoved writes nothing). */
export function movesOnlyThePass(pass: Pick<Pass, 'needId'>, to: Pass['status']): boolean {
  return PASS_ONLY.includes(to) && !(pass.needId && NEED_STEPS[to]);
}

/**
 * Follows a status change: the linked need, the legs. Returns the legs to place now (an approval's;
 * none otherwise). `ends`: an approval's leg ends, if read before (`legEndsOf`).
 */
export async function onPassMoved(trx: Db, pass: Pass, now: Date, ends?: LegEnds): Promise<RequestRow[]> {
  const steps = NEED_STEPS[pass.status];
  if (pass.needId && steps) await followPass(trx, pass.needId, steps, { actor: 'pass-loop', at: now, note: `pass ${pass.id} ${pass.status}` });
  return moveLegs(trx, pass, now, ends);
}

async function moveLegs(trx: Db, pass: Pass, now: Date, ends?: LegEnds): Promise<RequestRow[]> {
  const legs = () => legsOfPass(trx, pass.id);
  switch (pass.status) {
    case 'approved':
      return insertLegs(trx, pass, now, ends);
    case 'outbound_done':
    case 'return_done':
      await completeLegs(trx, { passId: pass.id, leg: pass.status === 'outbound_done' ? 'outbound' : 'return' }, now);
      return [];
    case 'refused':
    case 'cancelled':
    case 'expired':
    case 'returned':
      // On return the legs are done already (nothing to take off a trip); an unused pass handed back frees its seats.
      await cancelRequests(trx, (await legs()).filter((r) => OPEN_LEGS.includes(r.status)).map((r) => r.id), now);
      return [];
    case 'applied':
    case 'under_review':
    case 'issued':
    case 'at_hospital':
    case 'overdue':
      return [];
    default: {
      const unreachable: never = pass.status;
      return unreachable;
    }
  }
}
