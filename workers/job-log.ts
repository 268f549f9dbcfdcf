/**
 * What every log line of a job carries: its queue, job id and name, the ids its payload names (round,
 * sub-problem, need, area) and the id of the request that caused it (`reqId`, as on the API's
 * lines). One grep of a request id, need id or round id then finds the API's and the workers' lines
 * alike. Only ids are picked from the payload, never anything else in it.
 */
import type { Job } from 'bullmq';
import type { QueueName } from '../src/contracts/jobs';

const ID_FIELDS = ['roundId', 'subProblemId', 'needId', 'areaId'] as const;

export function jobLogFields(queue: QueueName, job: Pick<Job, 'id' | 'name' | 'data'>): Record<string, string | undefined> {
  const data = (typeof job.data === 'object' && job.data !== null ? job.data : {}) as Record<string, unknown>;
  const fields: Record<string, string | undefined> = { queue, jobId: job.id, job: job.name };
  for (const key of ID_FIELDS) if (typeof data[key] === 'string') fields[key] = data[key];
  if (typeof data.requestId === 'string') fields.reqId = data.requestId;
  return fields;
}
