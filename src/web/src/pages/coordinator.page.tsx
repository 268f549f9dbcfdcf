/**
 * Corridor coordinator (unit chief), on a phone at the stairwell: pick a corridor and a household,
 * enter its needs, upload the CSV table, see open needs, and follow deliveries at the gates live.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { LiveEvent } from '../../../contracts/events';
import { api } from '../api';
import { t, type MessageKey } from '../i18n';
import { useLive } from '../live';
import type { Me } from '../session';
import { CsvImport } from '../ui/csv-import';
import { GateReceive } from '../ui/gate-receive';
import { useLoad } from '../ui/hooks';
import { RiskBadge, useRiskSettings, withRisk, type RiskState } from '../ui/risk-badge';
import { NeedForm } from '../ui/need-form';
import { NeedsList, type NeedRow } from '../ui/needs-list';
import { WasteRequest } from '../ui/waste-request';
import { vault } from '../vault';
import { NoticeSettings } from '../ui/notice-settings';

interface Area {
  id: string;
  name: string;
  controlStatus: string;
  riskColour: string;
}
interface Household {
  id: string;
  address: string;
  members: number;
  elderlyAlone: boolean;
  chronicIllness: boolean;
  cannotCook: boolean;
}
interface FeedItem {
  key: string;
  text: string;
  kind: 'arrived' | 'delivered' | 'failed';
}

const OPEN = ['submitted', 'accepted', 'planned', 'out_for_delivery'];

/** Households this device entered a need for today (door-to-door rounds: who is done). */
const contactedKey = () => `contacted.${new Date().toISOString().slice(0, 10)}`;
const contactedToday = (): string[] => vault.get<string[]>(contactedKey()) ?? [];

function feedText(event: LiveEvent, gate: string): FeedItem | null {
  switch (event.type) {
    case 'stop.arrived':
      return { key: `${event.stopId}-a`, kind: 'arrived', text: t('stopArrived', { gate }) };
    case 'stop.delivered':
      return { key: `${event.stopId}-d`, kind: 'delivered', text: t('stopDelivered', { gate, n: event.bagCount }) };
    case 'stop.failed':
      return { key: `${event.stopId}-f`, kind: 'failed', text: t('stopFailed', { gate, reason: t(`reason_${event.reason}` as MessageKey) }) };
    default:
      return null;
  }
}

export function CoordinatorPage({ me }: { me: Me }) {
  const corridors = useLoad('corridors', () => api<{ areas: Area[] }>('/api/corridors'));
  const [corridorId, setCorridorId] = useState<string | null>(null);
  const [householdId, setHouseholdId] = useState<string | null>(null);
  const [feed, setFeed] = useState<FeedItem[]>([]);
  const [version, setVersion] = useState(0);
  const [contacted, setContacted] = useState(contactedToday);
  function markContacted(id: string) {
    const next = [...new Set([...contactedToday(), id])];
    vault.set(contactedKey(), next);
    setContacted(next);
  }
  const risk = useRiskSettings();
  // Status and level changes of the corridors since they were loaded (area.risk_changed).
  const [riskChanged, setRiskChanged] = useState<Record<string, RiskState>>({});
  const list = withRisk(corridors.data?.areas ?? [], riskChanged);
  const current = corridorId ?? list[0]?.id ?? null;
  const households = useLoad(current, () => api<{ households: Household[] }>(`/api/corridors/${current}/households`));
  const needs = useLoad(householdId, () => api<{ needs: NeedRow[] }>(`/api/households/${householdId}/needs`));
  const gateTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  function refreshGateSoon() {
    if (gateTimer.current) return;
    gateTimer.current = setTimeout(() => ((gateTimer.current = null), setVersion((v) => v + 1)), 500);
  }

  useLive(
    me.corridorIds.map((id) => `corridor:${id}`),
    (event, scope) => {
      if (!event) return (needs.reload(), corridors.reload(), setRiskChanged({}), setVersion((v) => v + 1));
      if (event.type === 'area.risk_changed') {
        setRiskChanged((c) => ({ ...c, [event.areaId]: { controlStatus: event.controlStatus, riskColour: event.riskColour } }));
        return;
      }
      if (event.type === 'need.status_changed') {
        if (event.householdId === householdId) needs.reload();
        // Out for delivery: a round was dispatched with bags for this gate (one refresh for a burst of needs).
        if (event.status === 'out_for_delivery') refreshGateSoon();
        return;
      }
      const gate = list.find((c) => `corridor:${c.id}` === scope)?.name ?? '';
      const item = feedText(event, gate);
      if (!item) return;
      setFeed((old) => (old.some((o) => o.key === item.key) ? old : [item, ...old].slice(0, 50)));
      if (item.kind !== 'arrived') needs.reload();
      setVersion((v) => v + 1);
    },
  );

  const household = households.data?.households.find((h) => h.id === householdId);
  // A dispatch shows up as its needs going out for delivery (live); this slow poll is the fallback.
  useEffect(() => {
    const timer = setInterval(() => setVersion((v) => v + 1), 60_000);
    return () => clearInterval(timer);
  }, []);
  // On a phone the form is below the list: bring it into view, ready for the keyboard.
  useEffect(() => {
    if (!householdId) return;
    document.getElementById('hh-title')?.scrollIntoView({ block: 'start' });
    document.getElementById('need-kind')?.focus();
  }, [householdId]);
  return (
    <div class="page">
      <section class="card">
        <h1>{t('myCorridors')}</h1>
        <div class="tabs" role="group" aria-label={t('myCorridors')}>
          {list.map((c) => (
            <button key={c.id} type="button" class={c.id === current ? 'tab active' : 'tab'} aria-pressed={c.id === current} onClick={() => (setCorridorId(c.id), setHouseholdId(null))}>
              {c.name}
            </button>
          ))}
        </div>
        {list.map((c) => c.id === current && <RiskBadge key={c.id} settings={risk} area={c}>{c.name}</RiskBadge>)}
        <h2>{t('households')}</h2>
        {households.loading && !households.data && <p>{t('loading')}</p>}
        <ul class="list households">
          {(households.data?.households ?? []).map((h) => (
            <li key={h.id}>
              <button type="button" data-household-id={h.id} class={h.id === householdId ? 'row-button active' : 'row-button'} aria-pressed={h.id === householdId} onClick={() => setHouseholdId(h.id)}>
                <span>{h.address.split(', ').slice(-1)[0]}</span>
                <small>
                  {t('members', { n: h.members })}
                  {h.elderlyAlone && <span class="tag">{t('elderlyAlone')}</span>}
                  {h.chronicIllness && <span class="tag">{t('chronic')}</span>}
                  {contacted.includes(h.id) && <span class="tag tag-ok">{t('contactedToday')}</span>}
                </small>
              </button>
            </li>
          ))}
        </ul>
      </section>

      {household && (
        <section class="card" aria-labelledby="hh-title">
          <h2 id="hh-title">
            {t('enterNeed')}: {household.address.split(', ').slice(-1)[0]}
          </h2>
          <NeedForm householdId={household.id} onSaved={() => (needs.reload(), markContacted(household.id))} />
          <h3>{t('openNeeds')}</h3>
          <NeedsList label={t('openNeeds')} needs={(needs.data?.needs ?? []).filter((n) => OPEN.includes(n.status) || n.status === 'delivered' || n.status === 'failed')} />
        </section>
      )}

      {current && (
        <section class="card" aria-labelledby="receive-title">
          <h2 id="receive-title">{t('receive')}</h2>
          <GateReceive corridorId={current} version={version} onChange={() => (setVersion((v) => v + 1), needs.reload())} />
        </section>
      )}

      {current && (
        <section class="card" aria-labelledby="waste-title">
          <h2 id="waste-title">{t('wasteTitle')}</h2>
          <WasteRequest corridorId={current} />
        </section>
      )}

      <section class="card" aria-labelledby="deliveries-title">
        <h2 id="deliveries-title">{t('deliveries')}</h2>
        {feed.length === 0 ? (
          <p class="muted">{t('noDeliveries')}</p>
        ) : (
          <ul class="list" data-testid="delivery-feed">
            {feed.map((f) => (
              <li key={f.key} class={`row feed-${f.kind}`}>
                {f.text}
              </li>
            ))}
          </ul>
        )}
      </section>

      {current && (
        <section class="card">
          <h2>{t('csvImport')}</h2>
          <CsvImport corridorId={current} onDone={households.reload} />
        </section>
      )}
      <section class="card"><NoticeSettings /></section>
    </div>
  );
}
