/**
 * "Left the depot" on the driver's page (issue #19, item 2): one tap per trip when the van drives
 * off. It tells the dispatch desk and the gates, and the first stop's residents get their ETA
 * window (a stop's ETA is otherwise sent when the van leaves the stop before it, and the first
 * stop has none). Queued with the phone's time like the custody records, so a depot with no
 * signal loses nothing; shown at once as reported.
 */
import { t } from '../i18n';
import { recordCustody } from '../ui/custody-outbox';
import { timeOfDay } from '../ui/labels';
import { Refused, shownRecord, useCustodyQueue } from './driver-custody';


/** `departedAt`: the server's record; `started`: a stop of the trip is already reported (the van is long gone). */
export function DepartButton({ roundId, tripId, departedAt, started }: { roundId: string; tripId: string; departedAt: string | null; started: boolean }) {
  useCustodyQueue();
  const key = `departure:${roundId}:${tripId}`;
  const { value: at, queued } = shownRecord(key, departedAt, (r) => (r.kind === 'departure' ? r.body.departedAt : undefined));
  if (!at && started) return null;
  return (
    <div class="departure" data-testid="departure">
      {at ? (
        <p role="status" data-testid="departed">
          {t('departedAt', { time: timeOfDay(at) })}
          {queued && ` · ${t('custodyQueued')}`}
        </p>
      ) : (
        <button type="button" data-testid="depart" onClick={() => void recordCustody({ kind: 'departure', roundId, tripId, body: { departedAt: new Date().toISOString() } })}>
          {t('leftDepot')}
        </button>
      )}
      <Refused recordKey={key} />
    </div>
  );
}
