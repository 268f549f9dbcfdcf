/**
 * The desk's view of waste custody (issue #18, item 2): per waste trip what its crew recorded picked
 * up, its weight at the disposal site, the share they differ by (flagged past the tolerance, or
 * unloaded with nothing recorded picked up) and the vehicle's disinfection; and the vehicles a food
 * or medicine round left out because their disinfection is not recorded yet, by name.
 */
import { t } from '../../i18n';
import { TableFrame } from '../../ui/table-frame';
import { tripName, type Proposal } from './proposal.types';

const kg = (n: number): string => `${Math.round(n * 10) / 10}`;

export function WasteCustody({ proposal }: { proposal: Proposal }) {
  const trips = proposal.trips.filter((trip) => trip.custody);
  if (trips.length === 0) return null;
  return (
    <>
      <h3>{t('wasteCustody')}</h3>
      <TableFrame label={t('wasteCustody')} heads={[t('tripNo'), t('pickedUpKg'), t('siteWeightKg'), t('discrepancy'), t('disinfection')]} numeric={[1, 2, 3]}>
        {trips.map((trip) => {
          const c = trip.custody!;
          const flagged = c.unload?.flagged ?? false;
          return (
            <tr key={trip.id} data-testid="trip-custody-row" data-flagged={String(flagged)} class={flagged ? 'custody-flagged' : undefined}>
              <td>{tripName(trip)}</td>
              <td class="num">{t('pickedUp', { kg: kg(c.pickedKg), n: c.pickedBags, stops: c.pickups })}</td>
              <td class="num">{c.unload ? kg(c.unload.kg) : '—'}</td>
              <td class="num" data-testid="custody-discrepancy">
                {c.unload ? (c.unload.discrepancy === null ? t('nothingPickedUp') : `${Math.round(c.unload.discrepancy * 100)}%`) : '—'}
                {flagged && <span class="tag" data-testid="custody-flag">{t('custodyFlagged')}</span>}
              </td>
              <td>{c.disinfection ? c.disinfection.agent : <span class="tag">{t('notYet')}</span>}</td>
            </tr>
          );
        })}
      </TableFrame>
    </>
  );
}

export function FleetNotes({ proposal }: { proposal: Proposal }) {
  if (!proposal.fleetNotes?.length) return null;
  return (
    <ul class="list" data-testid="fleet-notes">
      {proposal.fleetNotes.map((n) => (
        <li key={n.vehicleId} class="row" title={n.vehicleId}>
          {t('fleetAwaitingDisinfection', { vehicle: n.vehicleName })}
        </li>
      ))}
    </ul>
  );
}
