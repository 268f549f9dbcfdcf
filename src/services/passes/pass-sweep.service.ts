/**
 * The periodic sweep that keeps the loop closed: passes out past the end of their window become
 * overdue (and community staff are alerted), passes whose appointment passed before they went
 * out expire (and free their seats). Run by `startPassLoops` in every API process; driven by
 * the injected clock, so tests move time instead of waiting. Safe to run in several processes:
 * each move is conditional on the status the sweep saw.
 */
import { EXPIRE_FROM, OVERDUE_FROM, type PassStatus } from '../../domain/pass-status';
import type { Pass } from '../../domain/pass';
import type { Clock } from '../../shared/clock';
import type { Logger } from '../../shared/logger';
import { movePass, passesDue } from '../../store/pass.repository';

import type { Db } from '../../store/db';
import { createAuditService, toAuditRow } from '../access/audit.service';
import { retryWaitingEmergencies } from '../emergency/emergency.service';
import type { LivePublisher } from '../live-status/live.service';
import { insertUrgentAndNotify } from '../deliveries/driver-events';
import { createPassAlerts, type PassAlerts } from './pass-alerts';
import { MOVES_TRANSPORT, onPassMoved } from './pass-legs';
import { inTransportBatch, placesNothing } from './transport-batch';

export interface SweepDeps {
  db: Db;
  clock: Clock;
  alerts: PassAlerts;
}

const SWEEPER = 'system:pass-sweep';

async function moveAll(deps: SweepDeps, due: Pass[], to: PassStatus, now: Date): Promise<Pass[]> {
  const moveOne = (pass: Pass) => async (trx: Db): Promise<Pass | undefined> => {
    const m = await movePass(trx, pass, pass.status, to, {
      actor: SWEEPER, at: now, note: `window ended (${pass.status})`, audit: toAuditRow({ actor: null, action: `pass.${to}`, subjectType: 'pass', outcome: 'allowed' }),
    });
    if (!m) return undefined; // someone moved it first
    await onPassMoved(trx, m, now);
    return m;
  };
  const moved: (Pass | undefined)[] = [];
  // An expiry frees the pass's seats: those moves go to the process's transport batches, all at once.
  if (MOVES_TRANSPORT.includes(to)) moved.push(...await Promise.all(due.map((pass) => inTransportBatch(deps.db, { now, apply: async (trx) => placesNothing(await moveOne(pass)(trx)) }))));
  else for (const pass of due) moved.push(await deps.db.transaction().execute(moveOne(pass)));
  return moved.filter((m): m is Pass => m !== undefined);
}

/** One sweep at the clock's now: returns the passes marked overdue and expired. */
export async function sweepPasses(deps: SweepDeps): Promise<{ overdue: Pass[]; expired: Pass[] }> {
  const now = deps.clock.now();
  const overdue = await moveAll(deps, await passesDue(deps.db, OVERDUE_FROM, 'valid_until', now), 'overdue', now);
  for (const p of overdue) {
    await deps.alerts.passState(p);
    await deps.alerts.alert('pass_overdue', p, now);
  }
  const expired = await moveAll(deps, await passesDue(deps.db, EXPIRE_FROM, 'appointment_at', now), 'expired', now);
  for (const p of expired) await deps.alerts.passState(p);
  return { overdue, expired };
}

export interface PassLoopDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** The process's live publisher; absent: alerts are not published (the rows still show them). */
  live?: LivePublisher | undefined;
  /** The pass sweep's interval. Default 60 s. */
  intervalMs?: number;
  /** How often emergency cases still without a vehicle are tried again. Default 10 s. */
  emergencyRetryMs?: number;
}

/**
 * Starts the loop that keeps passes and emergencies moving without a request: the overdue and
 * expiry sweep, and the retry of emergency cases still waiting for a trip. Every API process may
 * run it (each move is conditional). Returns a stop function.
 */
export function startPassLoops(deps: PassLoopDeps): () => void {
  const audit = createAuditService(deps);
  const alerts = createPassAlerts(deps.live, deps.logger);
  const emergency = { db: deps.db, clock: deps.clock, audit, alerts, urgentInsert: (needId: string) => insertUrgentAndNotify({ db: deps.db as Db, publisher: deps.live }, needId) };
  const sweep = async (): Promise<void> => {
    const swept = await sweepPasses({ db: deps.db, clock: deps.clock, alerts });
    if (swept.overdue.length || swept.expired.length) deps.logger.info({ overdue: swept.overdue.length, expired: swept.expired.length }, 'pass loop');
  };
  // An emergency that found no vehicle gets one soon after one frees up, not at the next minute's
  // sweep (issue #21: cases waited 30-90 s for a car that had come free).
  const retryMs = deps.emergencyRetryMs ?? 10_000;
  const retry = async (): Promise<void> => {
    const assigned = await retryWaitingEmergencies(emergency);
    if (assigned) deps.logger.info({ emergenciesAssigned: assigned }, 'emergency retry');
  };
  const timers = [every(sweep, deps.intervalMs ?? 60_000, deps.logger, 'pass loop failed'), every(retry, retryMs, deps.logger, 'emergency retry failed')];
  return () => timers.forEach(clearInterval);
}

/** Runs `tick` every `ms`; a slow turn is not stacked, a failed one is logged. */
function every(tick: () => Promise<void>, ms: number, logger: Logger, failure: string): NodeJS.Timeout {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    tick().catch((err: unknown) => logger.error({ err }, failure)).finally(() => { running = false; });
  }, ms);
  timer.unref();
  return timer;
}
