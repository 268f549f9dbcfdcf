/**
 * The list behind a number of the glance: the figure's `href` (the needs of a community, the
 * rounds, the passes, the stock balances, the emergencies report) as a table in names. The
 * answer's first list of rows is shown with the columns a person reads (never ids), codes in the
 * reader's language; the first page only, as the count beside it says how many there are.
 */
import { useEffect, useRef } from 'preact/hooks';
import { api } from '../../api';
import { codeText, t, type MessageKey } from '../../i18n';
import { FormError } from '../../ui/form';
import { useLoad } from '../../ui/hooks';
import { dateTime, reasonLabel } from '../../ui/labels';
import { TableFrame } from '../../ui/table-frame';
import type { Opened } from './figure-link';

type Row = Record<string, unknown>;

/** The columns shown when a list has them, in this order, with their heading and how a cell reads. */
const COLUMNS: { key: string; head: MessageKey; cell?: (v: unknown) => string }[] = [
  { key: 'areaName', head: 'area' },
  { key: 'corridorName', head: 'gate' },
  { key: 'address', head: 'address' },
  { key: 'depotName', head: 'depot' },
  { key: 'itemName', head: 'item' },
  { key: 'person', head: 'passPerson' },
  { key: 'kind', head: 'kind', cell: (v) => codeText(['kind_', 'round_'], String(v)) ?? String(v) },
  { key: 'status', head: 'status', cell: (v) => codeText(['status_', 'rstatus_', 'pass_'], String(v)) ?? String(v) },
  { key: 'urgency', head: 'urgency', cell: (v) => codeText(['urgency_'], String(v)) ?? String(v) },
  { key: 'day', head: 'day' },
  { key: 'onHand', head: 'onHand' },
  { key: 'available', head: 'available' },
  { key: 'cases', head: 'emergencyCases' },
  { key: 'done', head: 'emergencyDone' },
  { key: 'unservedReason', head: 'unserved', cell: (v) => reasonLabel(String(v)) },
  { key: 'failureReason', head: 'failureReason', cell: (v) => reasonLabel(String(v)) },
  { key: 'appointmentAt', head: 'appointment', cell: (v) => dateTime(String(v)) },
  { key: 'startedAt', head: 'started', cell: (v) => dateTime(String(v)) },
  { key: 'updatedAt', head: 'lastChange', cell: (v) => dateTime(String(v)) },
];

/** The answer's rows: its first array of objects. */
function rowsOf(answer: unknown): Row[] {
  if (Array.isArray(answer)) return answer as Row[];
  const first = Object.values((answer ?? {}) as Row).find((v) => Array.isArray(v));
  return (first ?? []) as Row[];
}

export function FigureList({ opened, onClose }: { opened: Opened; onClose: () => void }) {
  const list = useLoad(opened.href, () => api<unknown>(opened.href));
  // The number clicked may be far below: bring the list into view and the reader's focus to it.
  const title = useRef<HTMLHeadingElement>(null);
  useEffect(() => (title.current?.scrollIntoView({ block: 'start' }), title.current?.focus()), [opened.href]);
  const rows = rowsOf(list.data);
  const columns = COLUMNS.filter((c) => rows.some((r) => r[c.key] !== undefined && r[c.key] !== null));
  return (
    <div class="figure-list" data-testid="figure-list" role="region" aria-labelledby="figure-list-title">
      <h3 id="figure-list-title" ref={title} tabIndex={-1}>{opened.title()}</h3>
      <FormError error={list.error} />
      {list.loading && !list.data && <p class="muted">{t('loading')}</p>}
      {list.data !== undefined && rows.length === 0 && <p class="muted">{t('stockEmpty')}</p>}
      {rows.length > 0 && (
        <TableFrame label={opened.title()} heads={columns.map((c) => t(c.head))}>
          {rows.map((r, i) => (
            <tr key={typeof r.id === 'string' ? r.id : i} data-testid="figure-row">
              {columns.map((c) => {
                const v = r[c.key];
                return <td key={c.key}>{v === undefined || v === null ? '' : c.cell ? c.cell(v) : String(v)}</td>;
              })}
            </tr>
          ))}
        </TableFrame>
      )}
      <button type="button" class="secondary" onClick={onClose}>{t('close')}</button>
    </div>
  );
}
