/**
 * A round of the district day through the dispatcher's API: started with POST /api/rounds (as the
 * scheduler does; for food after the cycle's entitlements), followed until proposed, approved and
 * dispatched. `whilePlanning` runs once the round is being solved (the worker fault happens there).
 */
import type { RoundKind } from '../../src/domain/round';
import { callThrough, expectStatus, sleep } from './http';

/** Seconds from the start: prepared (`preparedS`: the needs claimed and cut, the round no longer a draft), every sub-problem solved (`searchedS`), the proposal, the dispatch. */
export interface RoundTimes { roundId: string; preparedS: number; searchedS: number; toProposalS: number; toDispatchS: number; trips: number; unserved: number }

/** `approve: false` stops at the proposal (`--until food-proposed`: the round stays proposed, to replay its approval and dispatch). */
export async function runRound(url: string, token: string, areaId: string, kind: RoundKind, whilePlanning?: () => Promise<void>, options: { approve?: boolean } = {}): Promise<RoundTimes> {
  const t0 = performance.now();
  const started = expectStatus(await callThrough(url, 'POST', '/api/rounds', token, { areaId, kind }), [200, 201], `start ${kind} round`);
  const roundId = started.body.id as string;
  const since = () => (performance.now() - t0) / 1000;
  // The round answers as a draft; a worker prepares it (claims and cuts its needs), then it is planning.
  let preparedS = Number.NaN;
  let searchedS = Number.NaN;
  let fault: Promise<void> | undefined;
  for (;;) {
    const r = expectStatus(await callThrough(url, 'GET', `/api/rounds/${roundId}`, token), [200], 'round status');
    const status = r.body.status as string;
    if (Number.isNaN(preparedS) && status !== 'draft') preparedS = since();
    const subs = r.body.subproblems as { total: number; solved: number } | undefined;
    if (Number.isNaN(searchedS) && subs && subs.total > 0 && subs.solved === subs.total) searchedS = since();
    if (status === 'failed') throw new Error(`${kind} round ${roundId} failed: ${JSON.stringify(r.body).slice(0, 400)}`);
    if (status === 'proposed') break;
    if (status === 'planning' && whilePlanning && !fault) fault = whilePlanning();
    if (performance.now() - t0 > 30 * 60_000) throw new Error(`${kind} round ${roundId} not proposed within 30 min (status ${status})`);
    await sleep(200);
  }
  const toProposalS = since();
  if (Number.isNaN(searchedS)) searchedS = toProposalS;
  await fault;
  const proposal = expectStatus(await callThrough(url, 'GET', `/api/rounds/${roundId}/proposal`, token), [200], 'proposal');
  const trips = Array.isArray(proposal.body.trips) ? proposal.body.trips.length : -1;
  const unserved = Array.isArray(proposal.body.unserved) ? proposal.body.unserved.length : -1;
  if (options.approve === false) return { roundId, preparedS, searchedS, toProposalS, toDispatchS: Number.NaN, trips, unserved };
  expectStatus(await callThrough(url, 'POST', `/api/rounds/${roundId}/approve`, token), [200], 'approve');
  expectStatus(await callThrough(url, 'POST', `/api/rounds/${roundId}/dispatch`, token), [200], 'dispatch');
  return { roundId, preparedS, searchedS, toProposalS, toDispatchS: since(), trips, unserved };
}
