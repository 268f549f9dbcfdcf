/**
 * Simulated drivers of a dispatched round, one async task per driver, on a compressed clock
 * (`minutesPerSecond` simulated minutes pass per real second): each takes its batches from
 * GET /api/me/batches (read again before each trip: emergencies are inserted while they drive), leaves the depot for each trip in turn (PUT .../departure; a later trip is
 * the reload), reports arriving at each gate over its socket (sent again until acknowledged, as the
 * app's outbox does), and the corridor's unit chief then marks a failed door now and then
 * (POST .../failed with a reason) and confirms the handover with the driver's code (POST .../handoff).
 * A few gates fail as a whole (driver:stop failed, access blocked). The time from each handover's
 * 2xx to the chief's socket event is timed by the bench.
 */
import type { Socket } from 'socket.io-client';
import type { ReportAck, StopReport } from '../../src/contracts/event-socket';
import type { District } from './setup';
import type { LiveClient } from './live-clients';
import { callThrough, expectStatus, rng, sleep } from './http';

interface Stop { stopId: string; corridorId: string; status: string; handoffCode: string | null; bags: { householdId: string | null }[] }
interface Batch { batchId: string; roundId: string; tripId: string; tripNo: number; departS: number; stops: Stop[] }

/** `ms`: how long each kind of call took, answer by answer (batches read, departure, arrival acknowledged, door failed, handover). */
export interface WalkFigures { trips: number; stops: number; handedOver: number; gatesFailed: number; doorsFailed: number; errors: string[]; ms: Record<CallKind, number[]> }

type CallKind = 'batches' | 'departure' | 'arrived' | 'door' | 'handoff';
const CALL_KINDS: CallKind[] = ['batches', 'departure', 'arrived', 'door', 'handoff'];

export interface Walk {
  url: string;
  roundId: string;
  district: District;
  tokens: Map<string, string>;
  driverSockets: Map<string, LiveClient>;
  minutesPerSecond: number;
  onHandedOver(stopId: string, okAt: number): void;
}

/** Simulated minutes between two gates (driving and handing over). */
const MINUTES_PER_STOP = 4;

/** How long a stop report is sent again before the bench gives up on it; one attempt's wait for the ack; the pause after the first failure (doubling, to `RESEND_MAX_MS`). */
const REPORT_FOR_MS = 180_000;
const ACK_MS = 10_000;
const RESEND_FIRST_MS = 500;
const RESEND_MAX_MS = 15_000;

/**
 * A stop report sent as the driver app's outbox does (src/web/src/ui/outbox.ts): sent again while
 * there is no answer or the server answers unavailable or rate_limited (the server takes a repeat of
 * a report it has as ok), until acknowledged or refused for good, within `REPORT_FOR_MS`.
 */
async function reportStop(socket: Socket, report: StopReport): Promise<ReportAck | { ok: false; error: 'no_answer' }> {
  const until = performance.now() + REPORT_FOR_MS;
  for (let pause = RESEND_FIRST_MS; ; pause = Math.min(RESEND_MAX_MS, pause * 2)) {
    const ack = await (socket.timeout(ACK_MS).emitWithAck('driver:stop', report) as Promise<ReportAck>).catch(() => null);
    if (ack && (ack.ok || (ack.error !== 'unavailable' && ack.error !== 'rate_limited'))) return ack;
    if (performance.now() + pause > until) return ack ?? { ok: false, error: 'no_answer' };
    await sleep(pause * (0.5 + Math.random() / 2));
  }
}

async function walkDriver(w: Walk, driver: { id: string; username: string }, out: WalkFigures, seed: number): Promise<void> {
  const rand = rng(seed);
  const token = w.tokens.get(driver.username)!;
  // Read again before each trip, as the app shows the batch as it is now: an emergency inserted
  // after the shift began is a new stop on a trip, or a trip of its own.
  const timed = async <T>(kind: CallKind, f: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await f();
    } finally {
      out.ms[kind].push(performance.now() - t);
    }
  };
  const batches = async () => {
    const mine = expectStatus(await timed('batches', () => callThrough(w.url, 'GET', '/api/me/batches', token)), [200], 'driver batches');
    return (mine.body.batches as Batch[]).filter((b) => b.roundId === w.roundId).sort((a, b) => a.tripNo - b.tripNo);
  };
  const walked = new Set<string>();
  const departed = new Set<string>();
  const open = (s: Stop) => !walked.has(s.stopId) && (s.status === 'pending' || s.status === 'loaded');
  const chiefOf = new Map(w.district.corridors.map((c) => [c.id, c.chief]));
  const socket = w.driverSockets.get(driver.id)!.socket;
  const t0 = performance.now();
  const realMs = (simS: number) => (simS / 60 / w.minutesPerSecond) * 1000;
  for (let batch = (await batches()).find((b) => b.stops.some(open)); batch; batch = (await batches()).find((b) => b.stops.some(open))) {
    if (!departed.has(batch.tripId)) {
      await sleep(Math.max(0, realMs(batch.departS) - (performance.now() - t0)));
      expectStatus(await timed('departure', () => callThrough(w.url, 'PUT', `/api/rounds/${w.roundId}/trips/${batch.tripId}/departure`, token, {})), [200], 'departure');
      departed.add(batch.tripId);
      out.trips++;
    }
    for (const stop of batch.stops.filter(open)) {
      walked.add(stop.stopId);
      await sleep(realMs(MINUTES_PER_STOP * 60));
      out.stops++;
      const arrived = await timed('arrived', () => reportStop(socket, { outcome: 'arrived', batchId: batch.batchId, stopId: stop.stopId }));
      if (!arrived.ok) out.errors.push(`arrived ${stop.stopId}: ${JSON.stringify(arrived)}`);
      if (rand() < 0.02) {
        const failed = await reportStop(socket, { outcome: 'failed', batchId: batch.batchId, stopId: stop.stopId, reason: 'access_blocked' });
        if (failed.ok) out.gatesFailed++;
        else out.errors.push(`gate failed ${stop.stopId}: ${JSON.stringify(failed)}`);
        continue;
      }
      const chief = w.tokens.get(chiefOf.get(stop.corridorId)!)!;
      const households = [...new Set(stop.bags.map((b) => b.householdId).filter((h): h is string => h !== null))];
      if (households.length > 1 && rand() < 0.1) {
        const door = households[0]!;
        const a = await timed('door', () => callThrough(w.url, 'POST', `/api/corridors/${stop.corridorId}/deliveries/${stop.stopId}/households/${door}/failed`, chief, { reason: rand() < 0.5 ? 'no_answer' : 'refused' }));
        if (a.status === 200) out.doorsFailed++;
        else out.errors.push(`door failed ${a.status}: ${JSON.stringify(a.body).slice(0, 200)}`);
      }
      const a = await timed('handoff', () => callThrough(w.url, 'POST', `/api/corridors/${stop.corridorId}/deliveries/${stop.stopId}/handoff`, chief, { code: stop.handoffCode }));
      if (a.status === 200) {
        out.handedOver++;
        w.onHandedOver(stop.stopId, a.okAt);
      } else out.errors.push(`handoff ${a.status}: ${JSON.stringify(a.body).slice(0, 200)}`);
    }
  }
}

export async function walkRound(w: Walk): Promise<WalkFigures> {
  const out: WalkFigures = { trips: 0, stops: 0, handedOver: 0, gatesFailed: 0, doorsFailed: 0, errors: [], ms: Object.fromEntries(CALL_KINDS.map((k) => [k, []])) as unknown as WalkFigures['ms'] };
  const walkAll = () => Promise.all(w.district.drivers.map((d, i) => walkDriver(w, d, out, 1000 + i).catch((err: Error) => void out.errors.push(`driver ${d.username}: ${err.message}`))));
  await walkAll();
  // Once more: a stop inserted into a driver's batch after that driver was through (another was still driving).
  await walkAll();
  return out;
}
