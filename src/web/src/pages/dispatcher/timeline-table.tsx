/** The timeline's facts as a table, for screen readers and for reading times exactly. */
import { t } from '../../i18n';
import { stopStatusLabel } from '../../ui/labels';
import { TableFrame } from '../../ui/table-frame';
import { actualS } from './timeline.model';
import { clock, type Actuals, type Proposal } from './proposal.types';

export function TimelineTable({ proposal, names, actuals }: { proposal: Proposal; names: Map<string, string>; actuals: Actuals }) {
  const when = (s: number) => clock(proposal.shiftStartMin, s);
  return (
    <details class="tl-table">
      <summary>{t('timelineAsTable')}</summary>
      <TableFrame label={t('timelineAsTable')} heads={(['vehicle', 'tripNo', 'stopNo', 'gate', 'planned', 'window', 'actual', 'status'] as const).map((k) => t(k))}>
        {proposal.trips.flatMap((trip) => [
          <tr key={`${trip.id}-depart`}>
            <td>{trip.vehicleName}</td>
            <td>{trip.tripNo}</td>
            <td colSpan={2}>{t('tlDepart', { depot: trip.depotName })}</td>
            <td>{when(trip.departS)}</td>
            <td colSpan={3}>{t('tlReturn', { time: when(trip.departS + trip.durationS) })}</td>
          </tr>,
          ...trip.stops.map((s) => {
            const seen = actuals[s.id]?.doneAt;
            return (
              <tr key={`${trip.id}-${s.id}`} class={s.late || s.deadlineMissed ? 'tl-row-late' : undefined}>
                <td>{trip.vehicleName}</td>
                <td>{trip.tripNo}</td>
                <td>{s.seq + 1}</td>
                <td>{names.get(s.corridorId) ?? '…'}</td>
                <td>{when(s.servedS)}</td>
                <td>{s.window ? `${when(s.window.fromS)}–${when(s.window.untilS)}` : '—'}</td>
                <td>{seen ? when(actualS(seen, proposal.shiftStartMin)) : '—'}</td>
                <td>{stopStatusLabel(s.status)}{s.late || s.deadlineMissed ? ` · ${t('tlLate')}` : ''}</td>
              </tr>
            );
          }),
        ])}
      </TableFrame>
    </details>
  );
}
