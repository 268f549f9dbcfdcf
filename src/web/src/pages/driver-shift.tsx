/**
 * The driver's day (issue #18, items 4 and 5): their shifts today from the roster (start-end,
 * depot, vehicle by plate) and the vehicles they hand over or take over at a shift change. The
 * outgoing driver sees "Hand over V1 (沪A·10001) to Li Na at 14:00" with the vehicle's state and
 * confirms with a note (fuel, damage); the incoming driver sees the same and accepts. Both are
 * queued with the phone's time in the encrypted outbox like the custody records (a depot yard often
 * has no signal) and shown at once as reported. Reloaded when the driver's live scope says a
 * handover changed.
 */
import { useState } from 'preact/hooks';
import type { MyDayView } from '../../../contracts/handover.contract';
import { api } from '../api';
import { t, type MessageKey } from '../i18n';
import { useLive } from '../live';
import { recordCustody } from '../ui/custody-outbox';
import { useLoad } from '../ui/hooks';
import { clock, timeOfDay } from '../ui/labels';
import { Refused, shownRecord, useCustodyQueue } from './driver-custody';

type Handover = MyDayView['handovers'][number];

export function DriverDay({ driverId }: { driverId: string | null | undefined }) {
  const [tick, setTick] = useState(0);
  const day = useLoad(`my-day-${tick}`, () => api<MyDayView>('/api/me/shifts'));
  useLive(driverId ? [`driver:${driverId}`] : [], (event) => {
    if (!event || event.type === 'vehicle.handover' || event.type === 'driver.batches_changed') setTick((n) => n + 1);
  });
  const shifts = day.data?.shifts ?? [];
  const handovers = day.data?.handovers ?? [];
  if (!day.data) return null;
  const zone = day.data.timeZone;
  return (
    <section class="card wide" data-testid="my-day">
      <h2>{t('myShifts')}</h2>
      {shifts.length === 0 && <p class="muted">{t('noShiftsToday')}</p>}
      <ul class="list">
        {shifts.map((s) => (
          <li key={s.id} data-testid="my-shift">
            {t('shiftLine', { name: s.name, from: timeOfDay(s.startsAt, zone), until: timeOfDay(s.endsAt, zone), depot: s.depotName })}
            <br />
            {s.vehicle ? t('shiftVehicle', { vehicle: s.vehicle }) : t('shiftVehiclePlanned')}
          </li>
        ))}
      </ul>
      {handovers.length > 0 && <h3>{t('handovers')}</h3>}
      {handovers.map((h) => <HandoverCard key={`${h.roundId}:${h.tripId}`} handover={h} />)}
    </section>
  );
}

function HandoverCard({ handover: h }: { handover: Handover }) {
  useCustodyQueue();
  const [note, setNote] = useState('');
  const outgoing = h.role === 'outgoing';
  const key = `${outgoing ? 'handover' : 'handoverAccept'}:${h.roundId}:${h.tripId}`;
  const handed = shownRecord(key, h.handedAt, (r) => (r.kind === 'handover' ? r.body.handedAt : undefined));
  const accepted = shownRecord(key, h.acceptedAt, (r) => (r.kind === 'handoverAccept' ? r.body.acceptedAt : undefined));
  const [handedAt, acceptedAt, queued] = [handed.value, accepted.value, handed.queued || accepted.queued];
  const time = clock(h.shiftStartMin, h.atS);
  const noteId = `handover-note-${h.tripId}`;
  return (
    <div class="handover" data-testid="handover" data-role={h.role}>
      <p>
        <strong>
          {outgoing ? t('handoverOut', { vehicle: h.vehicleName, name: h.toDriver.name, time }) : t('handoverIn', { vehicle: h.vehicleName, name: h.fromDriver.name, time })}
        </strong>
      </p>
      <VehicleStateList state={h.state} />
      {h.note && <p data-testid="handover-note">{t('handoverNoteShown', { note: h.note })}</p>}
      {outgoing && (handedAt ? (
        <p role="status" data-testid="handed-over">{t('handedOverAt', { time: timeOfDay(handedAt) })}{queued && ` · ${t('custodyQueued')}`}</p>
      ) : (
        <form onSubmit={(e) => (e.preventDefault(), void recordCustody({ kind: 'handover', roundId: h.roundId, tripId: h.tripId, body: { ...(note.trim() ? { note: note.trim() } : {}), handedAt: new Date().toISOString() } }))}>
          <label for={noteId}>{t('handoverNote')}</label>
          <textarea id={noteId} maxLength={500} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          <button type="submit" data-testid="hand-over">{t('handOverConfirm')}</button>
        </form>
      ))}
      {!outgoing && !handedAt && <p class="muted">{t('awaitingHandover')}</p>}
      {!outgoing && (acceptedAt ? (
        <p role="status" data-testid="accepted">{t('acceptedAt', { time: timeOfDay(acceptedAt) })}{queued && ` · ${t('custodyQueued')}`}</p>
      ) : (
        <button type="button" data-testid="accept-handover" onClick={() => void recordCustody({ kind: 'handoverAccept', roundId: h.roundId, tripId: h.tripId, body: { acceptedAt: new Date().toISOString() } })}>
          {t('acceptHandover')}
        </button>
      ))}
      <Refused recordKey={key} />
    </div>
  );
}

/** The vehicle's state in words: kinds and counts, never what a bag holds. */
export function VehicleStateList({ state }: { state: Handover['state'] }) {
  const bags = state.bagsOnBoard.map((b) => `${t(`kind_${b.kind}` as MessageKey)} ${b.bags}`).join(', ');
  return (
    <ul class="list vehicle-state" data-testid="vehicle-state" aria-label={t('vehicleState')}>
      <li>{t('vsTrips', { done: state.tripsDone, total: state.tripsBefore })}</li>
      <li>{bags ? t('vsBags', { list: bags }) : t('vsNoBags')}</li>
      <li>{t(`vsDisinfection_${state.disinfection}` as MessageKey)}</li>
      {state.lastStop && <li>{t('vsLastStop', { gate: state.lastStop.gate, status: t(state.lastStop.status) })}</li>}
      {state.lastPosition && <li>{t('vsLastSeen', { time: timeOfDay(state.lastPosition.at) })}</li>}
      {state.openCustody.map((c) => (
        <li key={c.tripNo} class="error">{t('vsOpenCustody', { n: c.tripNo, missing: c.missing.map((m) => t(`custody_${m}`)).join(', ') })}</li>
      ))}
    </ul>
  );
}
