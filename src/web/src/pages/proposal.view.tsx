/** The proposed plan as lists: trips per vehicle with their load, the loading list, unserved needs. */
import { t } from '../i18n';

export interface Proposal {
  roundId: string;
  status: string;
  trips: { id: string; vehicleId: string; tripNo: number; distanceM: number; durationS: number; stops: { seq: number; corridorId: string; status: string; bags: { bagId: string; item: string }[] }[] }[];
  loadingList: { depotId: string; item: string; bags: number }[];
  unserved: { needId: string; reason: string }[];
}

export function ProposalView({ proposal }: { proposal: Proposal }) {
  return (
    <section class="card" aria-labelledby="proposal-title" data-testid="proposal">
      <h2 id="proposal-title">{t('proposal')}</h2>
      <div class="table-wrap" tabIndex={0} role="region" aria-label={t('proposal')}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('vehicle')}</th>
              <th scope="col">{t('trip', { n: '' })}</th>
              <th scope="col">{t('stops', { n: '' })}</th>
              <th scope="col">{t('bags', { n: '' })}</th>
              <th scope="col">km</th>
            </tr>
          </thead>
          <tbody>
            {proposal.trips.map((trip) => {
              const done = trip.stops.filter((s) => s.status === 'delivered' || s.status === 'failed').length;
              return (
                <tr key={trip.id}>
                  <td>{trip.vehicleId.slice(0, 8)}</td>
                  <td>{trip.tripNo}</td>
                  <td>
                    {done}/{trip.stops.length}
                  </td>
                  <td>{trip.stops.reduce((n, s) => n + s.bags.length, 0)}</td>
                  <td>{(trip.distanceM / 1000).toFixed(1)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <h3>{t('unserved')} ({proposal.unserved.length})</h3>
      <ul class="list">
        {proposal.unserved.slice(0, 50).map((u) => (
          <li key={u.needId} class="row">
            <span>{u.needId.slice(0, 8)}</span>
            <span>{u.reason}</span>
          </li>
        ))}
      </ul>
      <h3>{t('item')}</h3>
      <ul class="list">
        {proposal.loadingList.map((l) => (
          <li key={`${l.depotId}-${l.item}`} class="row">
            <span>
              {t('depot')} {l.depotId.slice(0, 6)} · {l.item}
            </span>
            <span>{t('bags', { n: l.bags })}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
