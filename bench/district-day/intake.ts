/**
 * What arrives during the district day while rounds are planned and driven: unit chiefs' medicine
 * needs (half as one CSV table per corridor, half one at a time), medical passes through their whole
 * loop (applied, reviewed, approved, issued, out, at hospital, back, returned) and emergencies at
 * random moments (each followed until it has a trip, then reported done by its driver). Every
 * answer's time is recorded with when it came, so the bench can take the intake p99 during the food
 * round's planning alone; a single need's 2xx is handed to `onAccepted` so its live event can be
 * timed on the chief's socket.
 */
import type { District } from './setup';
import { callThrough, expectStatus, rng, sleep } from './http';

/** An answer's time (`fresh`: its request opened a connection, http.ts). */
export interface Timed { at: number; ms: number; fresh?: boolean }
export interface IntakeFigures {
  needs: Timed[];
  csvRows: number;
  csvFiles: Timed[];
  passes: { done: number; ids: string[] };
  emergencies: { assignedMs: number[]; unassigned: number; ids: string[] };
  errors: string[];
}

export interface IntakeRun {
  url: string;
  district: District;
  tokens: Map<string, string>;
  /** The cycle's wall time to spread everything over, ms. */
  spreadMs: number;
  medicineNeeds: number;
  passes: number;
  emergencies: number;
  onAccepted(needId: string, okAt: number): void;
}

const medicine = (i: number) => ({ drug: `Bench drug ${i}`, strength: `${5 * (1 + (i % 8))} mg`, quantity: 10 + (i % 50), urgency: i % 25 === 0 ? 'today' : 'routine' });

/** Medicine needs: corridor CSV tables for the first half, single submissions for the rest, paced over `spreadMs`. */
async function medicineNeeds(run: IntakeRun, out: IntakeFigures): Promise<void> {
  const { district, url } = run;
  const half = Math.floor(run.medicineNeeds / 2);
  const byCorridor = new Map<string, string[]>();
  for (let i = 0; i < half; i++) {
    const h = district.households[(i * 7) % district.households.length]!;
    const rows = byCorridor.get(h.corridorId) ?? [];
    const m = medicine(i);
    rows.push([h.id, 'medicine', m.drug, m.strength, m.quantity, m.urgency].join(','));
    byCorridor.set(h.corridorId, rows);
  }
  const chiefOf = new Map(district.corridors.map((c) => [c.id, c.chief]));
  const files = [...byCorridor];
  const singles = run.medicineNeeds - half;
  const pause = run.spreadMs / Math.max(1, files.length + singles);
  const csvPart = (async () => {
    for (const [corridorId, rows] of files) {
      const body = ['household_id,kind,drug,strength,quantity,urgency', ...rows].join('\n') + '\n';
      const a = await callThrough(url, 'POST', `/api/corridors/${corridorId}/needs/import`, run.tokens.get(chiefOf.get(corridorId)!)!, body, 'text/csv');
      if (a.status !== 200 && a.status !== 201) out.errors.push(`needs import ${a.status}: ${JSON.stringify(a.body).slice(0, 200)}`);
      else out.csvRows += rows.length;
      out.csvFiles.push({ at: a.okAt, ms: a.ms });
      await sleep(pause);
    }
  })();
  // Chiefs on their own phones: at full scale one request after another could not keep the pace.
  const lanes = Math.max(1, Math.min(16, Math.ceil(singles / 1000)));
  const singlePart = Array.from({ length: lanes }, async (_, lane) => {
    for (let i = lane; i < singles; i += lanes) {
      const h = district.households[(i * 13 + 5) % district.households.length]!;
      const a = await callThrough(url, 'POST', `/api/households/${h.id}/needs`, run.tokens.get(chiefOf.get(h.corridorId)!)!, { kind: 'medicine', details: medicine(half + i) });
      if (a.status !== 201 && a.status !== 200) out.errors.push(`need ${a.status}: ${JSON.stringify(a.body).slice(0, 200)}`);
      else run.onAccepted((a.body.need as { id: string }).id, a.okAt);
      out.needs.push({ at: a.okAt, ms: a.ms, fresh: a.fresh });
      await sleep(pause * lanes);
    }
  });
  await Promise.all([csvPart, ...singlePart]);
}

/** A pass through its loop: the unit chief applies for the household, its community's staff take it from there. */
async function onePass(run: IntakeRun, i: number, step: number, out: IntakeFigures): Promise<void> {
  const h = run.district.households[(i * 31 + 3) % run.district.households.length]!;
  const token = run.tokens.get(run.district.staffOf.get(h.communityId)!)!;
  const chief = run.tokens.get(run.district.corridors.find((c) => c.id === h.corridorId)!.chief)!;
  const appointmentAt = new Date(Date.now() + 2 * 3600_000).toISOString();
  const applied = expectStatus(await callThrough(run.url, 'POST', `/api/households/${h.id}/passes`, chief, {
    person: `Resident ${i}`, hospitalId: run.district.hospitals[i % run.district.hospitals.length]!, reason: 'Dialysis', appointmentAt, visitMinutes: 60, needsWheelchair: i % 10 === 0,
  }), [200, 201], 'apply for a pass');
  const passId = (applied.body.id ?? (applied.body.pass as { id: string } | undefined)?.id) as string;
  out.passes.ids.push(passId);
  for (const action of ['review', 'approve', 'issue', 'outbound-done', 'at-hospital', 'return-done', 'return']) {
    await sleep(step);
    expectStatus(await callThrough(run.url, 'POST', `/api/passes/${passId}/${action}`, token, {}), [200], `pass ${action}`);
  }
  out.passes.done++;
}

async function passes(run: IntakeRun, out: IntakeFigures): Promise<void> {
  const step = run.spreadMs / 10;
  const gap = run.spreadMs / 3 / Math.max(1, run.passes);
  const all: Promise<void>[] = [];
  for (let i = 0; i < run.passes; i++) {
    all.push(onePass(run, i, step, out).catch((err: Error) => void out.errors.push(`pass ${i}: ${err.message}`)));
    await sleep(gap);
  }
  await Promise.all(all);
}

/** How long the bench follows a case the raise's answer left without a trip (the sweep retries such cases every minute). */
const FOLLOW_MS = 180_000;
const FOLLOW_EVERY_MS = 2000;

type Case = { id: string; status: string; tripRef: string | null; driverId: string | null; tripAssignedAt: string | null; unservedReason: string | null };

/**
 * A case the raise answered before it had a trip: the dispatcher reads it (GET /api/emergencies/:id)
 * until it has one or ends (done, cancelled), for at most `FOLLOW_MS`. Returns its last state.
 */
async function followCase(run: IntakeRun, token: string, first: Case): Promise<Case> {
  const until = performance.now() + FOLLOW_MS;
  let c = first;
  while (c.status !== 'trip_assigned' && c.status !== 'done' && c.status !== 'cancelled' && performance.now() < until) {
    await sleep(FOLLOW_EVERY_MS);
    const a = await callThrough(run.url, 'GET', `/api/emergencies/${c.id}`, token);
    if (a.status !== 200) throw new Error(`read ${a.status}: ${JSON.stringify(a.body).slice(0, 200)}`);
    c = a.body as unknown as Case;
  }
  return c;
}

/**
 * Emergencies at random moments of the spread, by the dispatcher: 80% acute illness, 20% emergency
 * medicine. A case gets its trip in the raise's answer or later (the sweep's retry): either way the
 * time from the raise to the trip is recorded (the server's tripAssignedAt for a later one), and its
 * driver reports it done. Cases still without a trip when no longer followed are printed with
 * their status and unserved reason.
 */
async function emergencies(run: IntakeRun, out: IntakeFigures): Promise<void> {
  const rand = rng(21);
  const moments = Array.from({ length: run.emergencies }, () => rand() * run.spreadMs).sort((a, b) => a - b);
  const token = run.tokens.get('bench.dispatch')!;
  const t0 = performance.now();
  const all: Promise<void>[] = [];
  const unassigned: string[] = [];
  // How each case got its trip, to read the slowest by: in the raise's answer (on a new connection or
  // an open one) or later, and where (a transport trip or a round's).
  const timed: { ms: number; how: string }[] = [];
  for (const [i, at] of moments.entries()) {
    await sleep(Math.max(0, at - (performance.now() - t0)));
    const h = run.district.households[Math.floor(rand() * run.district.households.length)]!;
    const body = rand() < 0.8 ? { kind: 'acute_illness' } : { kind: 'emergency_medicine', drug: `Emergency drug ${i}`, strength: '10 mg', quantity: 1 };
    const raisedAt = Date.now();
    all.push(callThrough(run.url, 'POST', `/api/households/${h.id}/emergencies`, token, body).then(async (a) => {
      if (a.status !== 201) return void out.errors.push(`emergency ${a.status}: ${JSON.stringify(a.body).slice(0, 200)}`);
      const raised = a.body as unknown as Case;
      out.emergencies.ids.push(raised.id);
      const c = raised.status === 'trip_assigned' ? raised : await followCase(run, token, raised);
      if (c.status !== 'trip_assigned') {
        out.emergencies.unassigned++;
        return void unassigned.push(`${c.id} ${body.kind}: ${c.status}${c.unservedReason ? ` (${c.unservedReason})` : ''}`);
      }
      const ms = c === raised ? a.ms : Date.parse(c.tripAssignedAt!) - raisedAt;
      out.emergencies.assignedMs.push(ms);
      const answered = `answered ${raised.status} in ${(a.ms / 1000).toFixed(1)} s on ${a.fresh ? 'a new' : 'an open'} connection`;
      timed.push({ ms, how: `${body.kind} ${c.id}: ${answered}, ${c.tripRef?.split(':')[0] ?? '?'} trip` });
      // A case on a round trip ends with its stop, which the round's driver walks (drivers.ts).
      if (c.tripRef?.startsWith('round:')) return;
      // The driver takes the patient (or the medicine) there and reports the trip done.
      const driver = run.district.drivers.find((d) => d.id === c.driverId);
      if (!driver) return void out.errors.push(`emergency ${c.id}: driver ${String(c.driverId)} unknown`);
      await sleep(run.spreadMs / 20);
      const done = await callThrough(run.url, 'POST', `/api/emergencies/${c.id}/done`, run.tokens.get(driver.username)!);
      if (done.status !== 200) out.errors.push(`emergency done ${done.status}: ${JSON.stringify(done.body).slice(0, 200)}`);
    }).catch((err: Error) => void out.errors.push(`emergency: ${err.message}`)));
  }
  await Promise.all(all);
  for (const line of unassigned) console.log(`  emergency never assigned: ${line}`);
  for (const t of timed.sort((x, y) => y.ms - x.ms).slice(0, 3)) console.log(`  emergency slowest: ${(t.ms / 1000).toFixed(1)} s, ${t.how}`);
}

/** Runs the three streams side by side; resolves when all are done. */
export async function runIntake(run: IntakeRun): Promise<IntakeFigures> {
  const out: IntakeFigures = { needs: [], csvRows: 0, csvFiles: [], passes: { done: 0, ids: [] }, emergencies: { assignedMs: [], unassigned: 0, ids: [] }, errors: [] };
  await Promise.all([medicineNeeds(run, out), passes(run, out), emergencies(run, out)]);
  return out;
}
