/**
 * The periodic sweep that keeps the loop closed: passes out past the end of their window become
 * overdue (and community staff are alerted), passes whose appointment passed before they went
 * out expire (and free their seats). Run by a timer in the API process (or a worker); driven by
 * the injected clock, so tests move time instead of waiting. Safe to run in several processes:
 * each move is conditional on the status the sweep saw.
 */
import type { Kysely } from 'kysely';
import { EXPIRE_FROM, OVERDUE_FROM, type PassStatus } from '../domain/pass-status';
import type { Pass } from '../domain/pass';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { movePass, passesDue } from '../store/pass.repository';
import type { CoreTables } from '../store/schema';
import type { AuditService } from './audit.service';
import type { PassAlerts } from './pass-alerts';
import { onPassMoved } from './pass-legs';

export interface SweepDeps {
  db: Kysely<CoreTables>;
  clock: Clock;
  audit: AuditService;
  alerts: PassAlerts;
}

const SWEEPER = 'system:pass-sweep';

async function moveAll(deps: SweepDeps, due: Pass[], to: PassStatus, now: Date): Promise<Pass[]> {
  const moved: Pass[] = [];
  for (const pass of due) {
    const next = await deps.db.transaction().execute(async (trx) => {
      const m = await movePass(trx, pass, pass.status, to, { actor: SWEEPER, at: now, note: `window ended (${pass.status})` });
      if (!m) return undefined; // someone moved it first
      await onPassMoved(trx, m, now);
      await deps.audit.record({ actor: null, action: `pass.${to}`, subjectType: 'pass', subjectId: pass.id, outcome: 'allowed' }, trx);
      return m;
    });
    if (next) moved.push(next);
  }
  return moved;
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

/** Runs `sweepPasses` every `intervalMs` (default 60 s); returns a stop function. */
export function startPassSweeper(deps: SweepDeps & { logger: Logger }, intervalMs = 60_000): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return; // a slow sweep is not stacked
    running = true;
    sweepPasses(deps)
      .then((r) => { if (r.overdue.length || r.expired.length) deps.logger.info({ overdue: r.overdue.length, expired: r.expired.length }, 'pass sweep'); })
      .catch((err: unknown) => deps.logger.error({ err }, 'pass sweep failed'))
      .finally(() => { running = false; });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
