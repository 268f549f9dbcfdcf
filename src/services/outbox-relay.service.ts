/**
 * Outbox relay: publishes the events intake committed with each need to the queue. A need is in
 * PostgreSQL before anything is queued; an event is marked published only after Redis took it.
 * Job ids are derived from the payload, so a row published twice (crash between add and commit)
 * is still one job.
 */
import { JOBS, isJobName, jobId, type JobName } from '../contracts/jobs';
import type { Producers } from '../queue/producers';
import type { Logger } from '../shared/logger';
import type { Db } from '../store/db';
import { relayOutboxBatch, type OutboxRow } from '../store/outbox.repository';

/** Outbox topics this relay owns: the job names of src/contracts/jobs.ts that intake writes. */
export const RELAYED_TOPICS: readonly JobName[] = ['need.accepted', 'need.urgent'];

export interface RelayDeps {
  db: Db;
  producers: Pick<Producers, 'addBulk'>;
  logger: Logger;
}

/** Publishes up to `limit` pending events; returns how many rows were handled. */
export async function relayOnce(deps: RelayDeps, limit = 500): Promise<number> {
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
  const ids = Object.values(parsed.data as Record<string, string>);
  return [{ name, data: parsed.data, id: jobId(name, ...ids) }];
}

export interface RelayLoop {
  stop(): Promise<void>;
}

/** Polls the outbox until stopped: drains while there is work, then waits `pollMs`. */
export function startRelayLoop(deps: RelayDeps, pollMs: number): RelayLoop {
  let stopped = false;
  let wake: (() => void) | undefined;
  const done = (async () => {
    while (!stopped) {
      let handled = 0;
      try {
        handled = await relayOnce(deps);
      } catch (err) {
        // Redis or the database is away: the rows stay unpublished and are tried again.
        deps.logger.warn({ err: (err as Error).message }, 'outbox relay: publish failed, will retry');
      }
      if (handled === 0 && !stopped) await new Promise<void>((r) => { wake = r; setTimeout(r, pollMs); });
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await done;
    },
  };
}
