/**
 * The rounds on the desk (GET /api/rounds): find a round again, yesterday's included, by kind,
 * status and day, newest first, a page at a time. Opening one shows it on the desk (its proposal,
 * or its live state once dispatched). Scheduled rounds are marked: nobody on the desk started them.
 */
import { useState } from 'preact/hooks';
import type { RoundListResponse, RoundListRow } from '../../../../contracts/round-list.contract';
import { ROUND_KINDS, ROUND_STATUSES } from '../../../../contracts/kinds';
import { api } from '../../api';
import { t, type MessageKey } from '../../i18n';
import { useLive } from '../../live';
import { Field, FormError } from '../../ui/form';
import { useDebounced, useLoad } from '../../ui/hooks';
import { dateTime } from '../../ui/labels';
import { TableFrame } from '../../ui/table-frame';

const PAGE = 20;

/** The round's progress as a person reads it: planning percent, then stops closed of planned. */
function progressText(r: RoundListRow): string {
  if (r.status === 'planning' || r.status === 'draft') return `${r.planningProgress}%`;
  return t('stopsClosed', { done: r.stops.delivered + r.stops.failed, n: r.stops.total });
}

/** The query of a filter: a local day from its midnight to the next. */
export function roundsQuery(f: { kind: string; status: string; day: string }, offset: number): string {
  const q = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
  if (f.kind) q.set('kind', f.kind);
  if (f.status) q.set('status', f.status);
  if (f.day) {
    const from = new Date(`${f.day}T00:00:00`);
    q.set('from', from.toISOString());
    q.set('to', new Date(from.getFullYear(), from.getMonth(), from.getDate() + 1).toISOString());
  }
  return `/api/rounds?${q.toString()}`;
}

export function RoundsList({ onOpen }: { onOpen: (roundId: string) => void }) {
  const [filter, setFilter] = useState({ kind: '', status: '', day: '' });
  const [offset, setOffset] = useState(0);
  const path = roundsQuery(filter, offset);
  const list = useLoad(path, () => api<RoundListResponse>(path));
  // A round started elsewhere (the schedule, another dispatcher) or moving on shows without a reload;
  // planning progress comes in bursts: one refetch a second at most.
  const refetch = useDebounced(list.reload, 1000);
  useLive(['dispatch'], (e) => (!e || e.type.startsWith('round.')) && refetch());
  const pick = (patch: Partial<typeof filter>) => (setFilter((f) => ({ ...f, ...patch })), setOffset(0));
  const rows = list.data?.rounds ?? [];
  return (
    <section class="card wide" aria-labelledby="rounds-title" data-testid="rounds-list">
      <h2 id="rounds-title">{t('roundsList')}</h2>
      <div class="filters">
        <Field id="rounds-kind" label={t('roundKind')}>
          <select id="rounds-kind" value={filter.kind} onChange={(e) => pick({ kind: e.currentTarget.value })}>
            <option value="">{t('allKinds')}</option>
            {ROUND_KINDS.map((k) => <option key={k} value={k}>{t(`round_${k}` as MessageKey)}</option>)}
          </select>
        </Field>
        <Field id="rounds-status" label={t('status')}>
          <select id="rounds-status" value={filter.status} onChange={(e) => pick({ status: e.currentTarget.value })}>
            <option value="">{t('allStatuses')}</option>
            {ROUND_STATUSES.map((s) => <option key={s} value={s}>{t(`rstatus_${s}` as MessageKey)}</option>)}
          </select>
        </Field>
        <Field id="rounds-day" label={t('startedOn')}>
          <input id="rounds-day" type="date" value={filter.day} onInput={(e) => pick({ day: e.currentTarget.value })} />
        </Field>
      </div>
      <FormError error={list.error} />
      {list.data && rows.length === 0 && <p class="muted">{t('noRounds')}</p>}
      {rows.length > 0 && (
        <TableFrame label={t('roundsList')} heads={[t('area'), t('roundKind'), t('status'), t('started'), t('roundProgress'), t('servedNeeds'), t('unservedNeeds')]} numeric={[5, 6]}>
          {rows.map((r) => (
            <tr key={r.id} data-testid="round-row" data-round-id={r.id}>
              <td>
                <button type="button" class="link-button" aria-label={t('openRoundOf', { area: r.areaName, at: dateTime(r.startedAt) })} onClick={() => onOpen(r.id)}>
                  {r.areaName}
                </button>
              </td>
              <td>{t(`round_${r.kind}` as MessageKey)}</td>
              <td>
                {t(`rstatus_${r.status}` as MessageKey)}
                {r.scheduled && <span class="tag">{t('scheduled')}</span>}
              </td>
              <td>{dateTime(r.startedAt)}</td>
              <td>{progressText(r)}</td>
              <td class="num">{r.needs.served}</td>
              <td class="num">{r.needs.unserved}</td>
            </tr>
          ))}
        </TableFrame>
      )}
      <div class="actions">
        <button type="button" class="secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>{t('previousPage')}</button>
        <button type="button" class="secondary" disabled={list.data?.nextOffset == null} onClick={() => setOffset(list.data?.nextOffset ?? offset)}>{t('nextPage')}</button>
      </div>
    </section>
  );
}
