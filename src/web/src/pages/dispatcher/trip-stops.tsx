/**
 * Each trip's stops in order: the gate by name, bags, status, when it is served against its gate's
 * window (flagged when late or past a medicine deadline). While proposed, the dispatcher locks a
 * stop or moves it to another trip (the server answers with the new proposal).
 */
import { t } from '../../i18n';
import { DepartTime } from '../../ui/depart-time';
import { stopStatusLabel } from '../../ui/labels';
import { clock, tripName, type Proposal, type Stop, type Trip } from './proposal.types';

function StopTime({ stop, shiftStartMin }: { stop: Stop; shiftStartMin: number }) {
  return (
    <span data-testid="stop-time">
      <time>{t('servedAt', { time: clock(shiftStartMin, stop.servedS) })}</time>
      {stop.window && <> ({t('gateWindow', { from: clock(shiftStartMin, stop.window.fromS), until: clock(shiftStartMin, stop.window.untilS) })})</>}
      {stop.late && <span class="tag" data-testid="stop-late">{t('servedLate')}</span>}
      {stop.deadlineMissed && stop.deadlineS !== null && <span class="tag">{t('deadlineMissed', { time: clock(shiftStartMin, stop.deadlineS) })}</span>}
    </span>
  );
}

interface Props {
  proposal: Proposal;
  trip: Trip;
  /** Corridor names by id. */
  names: Map<string, string>;
  edit: ((stopId: string, action: 'lock' | 'move', body: unknown) => void) | null;
}

export function TripStops({ proposal, trip, names, edit }: Props) {
  return (
    <details class="trip">
      <summary>
        {tripName(trip)} · <DepartTime departS={trip.departS} /> · {t('stops', { n: trip.stops.length })}
      </summary>
      <ol class="list">
        {trip.stops.map((stop) => (
          <li key={stop.id} class="row" data-stop-id={stop.id}>
            <span>
              <span title={stop.corridorId}>{names.get(stop.corridorId) ?? '…'}</span> · {t('bags', { n: stop.bags.length })} · {stopStatusLabel(stop.status)}
              {' · '}<StopTime stop={stop} shiftStartMin={proposal.shiftStartMin} />
            </span>
            {edit && (
              <span class="actions">
                <label class="check">
                  <input type="checkbox" checked={stop.locked} onChange={(e) => edit(stop.id, 'lock', { locked: e.currentTarget.checked })} /> {t('lockStop')}
                </label>
                <label class="visually-hidden" for={`move-${stop.id}`}>
                  {t('moveTo')}
                </label>
                <select id={`move-${stop.id}`} value="" onChange={(e) => {
                  const target = proposal.trips.find((x) => x.id === e.currentTarget.value);
                  if (target) edit(stop.id, 'move', { tripId: target.id, position: target.stops.length });
                }}>
                  <option value="">{t('moveTo')}</option>
                  {proposal.trips.filter((x) => x.id !== trip.id).map((x) => (
                    <option key={x.id} value={x.id}>
                      {tripName(x)}
                    </option>
                  ))}
                </select>
              </span>
            )}
          </li>
        ))}
      </ol>
      {trip.unload && <p data-testid="trip-unload">{t('unloadsAt', { site: trip.unload.siteName, time: clock(proposal.shiftStartMin, trip.unload.startS) })}</p>}
    </details>
  );
}
