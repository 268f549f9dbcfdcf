/** A job's log fields: its ids and its request's, never anything else its payload holds. */
import { describe, expect, it } from 'vitest';
import { jobLogFields } from '../../workers/job-log';

describe('job log fields', () => {
  it('names the queue, the job, the payload ids and the request, and nothing else of the payload', () => {
    const fields = jobLogFields('urgent', { id: 'need-urgent-n1', name: 'need.urgent', data: { needId: 'n1', requestId: 'req-7', drug: 'secret', roundId: 42 } });
    expect(fields).toEqual({ queue: 'urgent', jobId: 'need-urgent-n1', job: 'need.urgent', needId: 'n1', reqId: 'req-7' });
  });

  it('a job no request started has no reqId', () => {
    expect(jobLogFields('solve', { id: 'j', name: 'round.solve', data: { roundId: 'r1', subProblemId: 'sp1' } }))
      .toEqual({ queue: 'solve', jobId: 'j', job: 'round.solve', roundId: 'r1', subProblemId: 'sp1' });
  });
});
