/**
 * Outbox relay: publishes the events intake committed with each need to the queue. A need is in
 * PostgreSQL before anything is queued; an event is marked published only after Redis took it.
 * Job ids are derived from the payload, so a row published twice (crash between add and commit)
 * is still one job.
 */
import { JOBS, isJobName, jobId, type JobName } from '../../contracts/jobs';
import type { Producers } from '../../queue/producers';
import type { Logger } from '../../shared/logger';
import type { Database, Db } from '../../store/db';
import { relayOutboxBatch, type OutboxRow } from '../../store/outbox.repository';
import { startBatchLoop } from '../shared/relay-loop';

/** Outbox topics this relay owns: the job names of src/contracts/jobs.ts that intake writes. */
export const RELAYED_TOPICS: readonly JobName[] = ['need.accepted', 'need.urgent'];

export interface RelayDeps {
  db: Db;
  producers: Pick<Producers, 'addBulk'>;
  logger: Logger;
}

const BATCH = 500;

/** Publishes up to `limit` pending events; returns how many rows were handled. */
export async function relayOnce(deps: RelayDeps, limit = BATCH): Promise<number> {
  return relayOutboxBatch(deps.db, RELAYED_TOPICS, limit, async (rows) => {
    const jobs = rows.flatMap((row) => toJob(deps.logger, row));
    if (jobs.length) await deps.producers.addBulk(jobs);
  });
}

function toJob(logger: Logger, row: OutboxRow): { name: JobName; data: unknown; id: string }[] {
  const name = row.topic;
  const parsed = isJobName(name) ? JOBS[name].schema.safeParse(row.payload) : undefined;
  if (!isJobName(name) || !parsed?.success) {
    // A malformed event can never be published: mark it handled rather than block the outbox.
    logger.error({ outboxId: row.id, topic: row.topic }, 'outbox event refused: payload does not match its job contract');
    return [];
  }
  // One job per need, whichever request sent it (the request id rides along for the logs only).
  return [{ name, data: parsed.data, id: jobId(name, (parsed.data as { needId: string }).needId) }];
}

export interface RelayLoop {
  stop(): Promise<void>;
}

export interface RelayLoopOptions {
  /** Longest idle wait in ms: the fallback poll (OUTBOX_POLL_MS). */
  idlePollMs: number;
  /** Wake on this database's notifications (intake's outbox insert sends one at commit). Without it the relay only polls. */
  listen?: Database;
}

/** Publishes the outbox until stopped: drains while there is work, then waits for a notification or the idle poll. */
export function startRelayLoop(deps: RelayDeps, options: RelayLoopOptions): RelayLoop {
  const { listen } = options;
  // No pause after a part batch, as before: each batch is one Redis round trip for however many rows.
  const loop = startBatchLoop(
    async () => {
      const taken = await relayOnce(deps, BATCH);
      return { taken, full: taken >= BATCH };
    },
    { busyPauseMs: 0, idlePollMs: options.idlePollMs, ...(listen ? { listen: { database: listen, topic: 'outbox' as const } } : {}) },
    // The rows stay unpublished and are tried again.
    { logger: deps.logger, failure: 'outbox relay: publish failed, will retry' },
  );
  return { stop: () => loop.stop() };
}
