/** The round's printed paper: per trip its route sheet and bag labels, per depot its loading list. */
import { t } from '../../i18n';
import { PaperLink } from '../../ui/paper-link';
import { tripName, type Proposal } from './proposal.types';

export function PaperLinks({ proposal }: { proposal: Proposal }) {
  const base = `/api/rounds/${proposal.roundId}`;
  const depots = [...new Map(proposal.trips.map((trip) => [trip.depotId, trip.depotName])).entries()];
  return (
    <div data-testid="paper">
      <h3>{t('paper')}</h3>
      <ul class="list">
        {proposal.trips.map((trip) => (
          <li key={trip.id} class="row">
            <span>{tripName(trip)}</span>
            <span class="actions">
              <PaperLink path={`${base}/trips/${encodeURIComponent(trip.id)}/route-sheet.pdf`} file={`route-sheet-${trip.tripNo}.pdf`} label={t('routeSheet')} describe={tripName(trip)} testId="route-sheet" />
              <PaperLink path={`${base}/bag-labels.pdf`} query={{ tripId: trip.id }} file={`bag-labels-${trip.tripNo}.pdf`} label={t('bagLabels')} describe={tripName(trip)} testId="bag-labels" />
            </span>
          </li>
        ))}
        {depots.map(([depotId, depotName]) => (
          <li key={depotId} class="row">
            <span>{depotName}</span>
            <PaperLink path={`${base}/loading-list.pdf`} query={{ depotId }} file="loading-list.pdf" label={t('loadingListPdf')} describe={depotName} testId="loading-list" />
          </li>
        ))}
      </ul>
    </div>
  );
}
