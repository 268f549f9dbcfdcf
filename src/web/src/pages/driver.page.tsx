/**
 * Driver, one hand free: today's batches in route order; per stop the gate, bag ids and counts (no
 * medical details), a navigation link, and big buttons: arrived / delivered / failed with a reason.
 * Reports go out over the live connection; offline they queue and are sent when back.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { StopReport } from '../../../contracts/event-socket';
import { api } from '../api';
import { t, type MessageKey } from '../i18n';
import { onConnected, sendPosition, useLive, useLiveStatus } from '../live';
import type { Me } from '../session';
import { PaperLink } from '../ui/paper-link';
import { DepartTime } from '../ui/depart-time';
import { useLoad } from '../ui/hooks';
import { enqueue, flush, onQueueChange, queued } from '../ui/outbox';
import { vault } from '../vault';
import { flushCustody, onCustodyChange } from '../ui/custody-outbox';
import { PickupForm, TripCustody, type TripCustodyState } from './driver-custody';
import { DepartButton } from './driver-departure';
import { DriverDay } from './driver-shift';

interface Stop { stopId: string; seq: number; gate: string; community: string | null; coordinators: string[]; lat: number | null; lon: number | null; status: string; urgent: boolean; bags: { bagId: string; householdId: string; kind: string }[]; handoffCode: string | null; pickup?: { bags: number; kg: number } | null }
/** `departS`: leaves the depot, seconds from the round's start; `vehicleName`: "Van 1 (沪A·12345)" (optional: batches cached by an older page lack them). */
/** `unload` and `custody`: a waste trip (issue #18, item 2), null for deliveries. */
/** `departedAt`: the driver reported leaving the depot (issue #19), null until then. */
interface Batch { batchId: string; roundId?: string; tripId?: string; tripNo: number; departS?: number; departedAt?: string | null; vehicleName?: string; depotName?: string; stops: Stop[]; unload?: { siteName: string } | null; custody?: TripCustodyState | null }
type Outcome = 'arrived' | 'delivered' | 'failed';
type Reason = Extract<StopReport, { outcome: 'failed' }>['reason'];
/** The closed list of src/contracts/events.ts (types only here, so zod stays out of the bundle). */
const REASONS: Reason[] = ['no_answer', 'access_blocked', 'refused', 'address_not_found', 'vehicle_issue', 'out_of_time', 'other'];

/** The last batches seen, in the session's encrypted vault (gone at logout). */
const CACHE = 'driver.batches';
const cachedBatches = (): Batch[] => vault.get<Batch[]>(CACHE) ?? [];

/**
 * The batches are reloaded when the live connection says they changed: the driver's own scope
 * (`driver:<id>`: a round dispatched, an urgent stop, a moved or cancelled stop) and the scopes of
 * the known batches (stop outcomes from the gate); also after every (re)connection and when the
 * server says too much was missed (`snapshot-required`). Only while the connection is down does a
 * slow poll stand in for it.
 */
const SAFETY_POLL_MS = 120_000;
const POSITION_EVERY_MS = 15_000;

export function DriverPage({ me }: { me: Me }) {
  const [tick, setTick] = useState(0);
  const refresh = () => setTick((n) => n + 1);
  const connected = useLiveStatus();
  const batches = useLoad(`batches-${tick}`, () => api<{ batches: Batch[] }>('/api/me/batches'));
  const [local, setLocal] = useState<Record<string, Outcome>>({});
  const [pending, setPending] = useState(queued().length);
  // The last batches seen, so a reload without network still shows the route.
  const list = batches.data?.batches ?? cachedBatches();
  useEffect(() => {
    if (batches.data) vault.set(CACHE, batches.data.batches);
  }, [batches.data]);

  useEffect(() => {
    const offQueue = onQueueChange(() => setPending(queued().length));
    // Back online: send the queued reports, and reload what changed while the socket was down.
    const offConn = onConnected(() => (void flush(), void flushCustody(), refresh()));
    // A custody record sent (or refused): the batches say what the server now holds.
    const offCustody = onCustodyChange(refresh);
    const online = () => void flush();
    window.addEventListener('online', online);
    return () => (offQueue(), offConn(), offCustody(), window.removeEventListener('online', online));
  }, []);

  // The fallback poll, only while the live connection is down.
  useEffect(() => {
    if (connected) return;
    const timer = setInterval(refresh, SAFETY_POLL_MS);
    return () => clearInterval(timer);
  }, [connected]);

  useLive(
    [...(me.driverId ? [`driver:${me.driverId}`] : []), ...list.map((b) => `batch:${b.batchId}`)],
    // null: snapshot-required. Positions (our own, every 15 s) change nothing the page shows.
    (event) => {
      if (event?.type !== 'vehicle.position') refresh();
    },
  );

  // The dispatch desk and the gates waiting see the van move: the latest fix goes out every 15 s at
  // most, and again on every reconnect, so a fix taken while the socket was down is not lost (a
  // parked van's position watch may not fire again for a long time).
  const driving = list.find((b) => b.stops.some((s) => s.status === 'pending' || s.status === 'loaded'))?.batchId;
  useEffect(() => {
    if (!driving || !('geolocation' in navigator)) return;
    let latest: Parameters<typeof sendPosition>[0] | null = null;
    let sentAt = 0;
    const send = () => {
      if (latest && sendPosition(latest)) sentAt = Date.now();
    };
    const watch = navigator.geolocation.watchPosition(
      (p) => {
        latest = { batchId: driving, lat: p.coords.latitude, lon: p.coords.longitude, at: new Date(p.timestamp).toISOString() };
        if (Date.now() - sentAt >= POSITION_EVERY_MS) send();
      },
      () => undefined,
      { enableHighAccuracy: true, maximumAge: 10_000 },
    );
    const offConnected = onConnected(send);
    const timer = setInterval(send, POSITION_EVERY_MS);
    return () => (navigator.geolocation.clearWatch(watch), offConnected(), clearInterval(timer));
  }, [driving]);

  function report(batch: Batch, stop: Stop, outcome: Outcome, reason?: string) {
    setLocal((l) => ({ ...l, [stop.stopId]: outcome }));
    const base = { batchId: batch.batchId, stopId: stop.stopId };
    if (outcome === 'failed') enqueue({ ...base, outcome, reason: (reason ?? 'other') as Reason });
    else if (outcome === 'delivered') enqueue({ ...base, outcome, bagIds: stop.bags.map((b) => b.bagId) });
    else enqueue({ ...base, outcome });
  }

  return (
    <div class="page">
      <section class="card wide">
        <h1>{t('todaysBatches')}</h1>
        {pending > 0 && (
          <p class="banner banner-warn" role="status" data-testid="queued">
            {t('queued', { n: pending })}
          </p>
        )}
        {list.length === 0 && <p class="muted">{batches.loading && !batches.data ? t('loading') : t('noBatches')}</p>}
      </section>
      {/* The driver's shifts today and the vehicles changing hands at a shift change (issue #18, items 4-5). */}
      <DriverDay driverId={me.driverId} />
      {list.map((batch) => (
        <section key={batch.batchId} class="card wide" aria-label={t('trip', { n: batch.tripNo })} data-testid="batch" data-batch-id={batch.batchId}>
          <h2>
            {batch.vehicleName && <span data-testid="batch-vehicle">{batch.vehicleName}{batch.depotName ? ` · ${batch.depotName}` : ''} · </span>}
            {t('trip', { n: batch.tripNo })}
            {batch.departS !== undefined && (
              <>
                {' · '}
                <DepartTime departS={batch.departS} />
              </>
            )}
            {' · '}
            {t('stops', { n: batch.stops.length })}
          </h2>
          {/* The batch is `<round>_<trip>`: the trip's own route sheet, to carry on paper. */}
          {batch.roundId && batch.tripId && (
            <DepartButton roundId={batch.roundId} tripId={batch.tripId} departedAt={batch.departedAt ?? null}
              started={batch.stops.some((s) => (local[s.stopId] ?? s.status) !== 'pending' && (local[s.stopId] ?? s.status) !== 'loaded')} />
          )}
          {batch.roundId && <PaperLink path={`/api/rounds/${batch.roundId}/trips/${encodeURIComponent(batch.batchId.slice(batch.roundId.length + 1))}/route-sheet.pdf`} file={`route-sheet-${batch.tripNo}.pdf`} label={t('routeSheet')} testId="route-sheet" />}
          <ol class="list stops">
            {batch.stops.map((stop) => (
              <StopCard key={stop.stopId} stop={stop} status={local[stop.stopId] ?? stop.status} onReport={(o, r) => report(batch, stop, o, r)}>
                {batch.unload && batch.roundId && <PickupForm roundId={batch.roundId} stopId={stop.stopId} pickup={stop.pickup ?? null} />}
              </StopCard>
            ))}
          </ol>
          {batch.unload && batch.custody && batch.roundId && batch.tripId && <TripCustody roundId={batch.roundId} tripId={batch.tripId} siteName={batch.unload.siteName} custody={batch.custody} />}
        </section>
      ))}
    </div>
  );
}

function StopCard({ stop, status, onReport, children }: { stop: Stop; status: string; onReport: (o: Outcome, reason?: string) => void; children?: ComponentChildren }) {
  const [reason, setReason] = useState<string>('no_answer');
  const closed = status === 'delivered' || status === 'failed';
  const households = new Set(stop.bags.map((b) => b.householdId)).size;
  const reasonId = `reason-${stop.stopId}`;
  return (
    <li class="stop" data-testid="stop" data-seq={stop.seq} data-status={status}>
      <h3>
        {stop.seq + 1}. {t('gate')}: {stop.gate} {stop.urgent && <span class="tag">!</span>}
      </h3>
      {stop.community && <p class="muted">{stop.community}</p>}
      {stop.coordinators.length > 0 && <p>{t('handOverTo', { names: stop.coordinators.join(', ') })}</p>}
      <p>
        {t('bags', { n: stop.bags.length })} · {t('households')}: {households}
        {stop.lat !== null && stop.lon !== null && (
          <>
            {' · '}
            <a href={`geo:${stop.lat},${stop.lon}`}>{t('navigate')}</a>
          </>
        )}
      </p>
      <details>
        <summary>{t('bagIds')}</summary>
        <p class="bag-ids">{stop.bags.map((b) => b.bagId.slice(-10)).join(', ')}</p>
      </details>
      {!closed && stop.handoffCode && (
        <p class="handoff">
          {t('handoffCodeShow')}: <strong data-testid="handoff-code">{stop.handoffCode}</strong>
        </p>
      )}
      {children}
      {closed ? (
        <p class={`status status-${status}`} role="status">
          {t('stopDone', { status: t(status as MessageKey) })}
        </p>
      ) : (
        <div class="actions">
          <button type="button" class="secondary" disabled={status === 'arrived'} onClick={() => onReport('arrived')}>
            {t('arrive')}
          </button>
          <button type="button" onClick={() => onReport('delivered')}>
            {t('delivered')}
          </button>
          <label class="visually-hidden" for={reasonId}>
            {t('reason')}
          </label>
          <select id={reasonId} value={reason} onChange={(e) => setReason(e.currentTarget.value)}>
            {REASONS.map((r) => (
              <option key={r} value={r}>
                {t(`reason_${r}` as MessageKey)}
              </option>
            ))}
          </select>
          <button type="button" class="danger" onClick={() => onReport('failed', reason)}>
            {t('markFailed')}
          </button>
        </div>
      )}
    </li>
  );
}
