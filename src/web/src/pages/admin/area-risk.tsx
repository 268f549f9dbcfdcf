/**
 * An area's place on the risk map: change its control status and risk level (from the district's
 * configured lists) with a reason, and read its history, newest first. The change reaches every
 * screen showing the area live (area.risk_changed); this form only reloads its own history.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api';
import { dateTime } from '../../ui/labels';
import { t } from '../../i18n';
import { Field, errorProps, fieldError } from '../../ui/form';
import { useAction, useLoad } from '../../ui/hooks';
import { Refusal } from './refusal';
import { RiskBadge, labelOf, riskText, useRiskSettings, type RiskEntry, type RiskState } from '../../ui/risk-badge';
import type { AreaRow } from './area-tree';

interface RiskChange { id: string; at: string; actorName: string | null; from: RiskState; to: RiskState; reason: string }

function Choice({ id, label, entries, value, onChange, error }: { id: string; label: string; entries: RiskEntry[]; value: string; onChange: (v: string) => void; error: string | undefined }) {
  return (
    <Field id={id} label={label} error={error}>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)} {...errorProps(id, error)}>
        {!entries.some((e) => e.code === value) && <option value={value}>{value}</option>}
        {entries.map((e) => (
          <option key={e.code} value={e.code}>
            {labelOf(e, e.code)}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function AreaRisk({ area, onChanged }: { area: AreaRow; onChanged: (area: AreaRow) => void }) {
  const settings = useRiskSettings();
  const [status, setStatus] = useState(area.controlStatus);
  const [colour, setColour] = useState(area.riskColour);
  const [reason, setReason] = useState('');
  const history = useLoad(`risk-history:${area.id}`, () => api<{ changes: RiskChange[] }>(`/api/areas/${area.id}/risk/history?limit=20`).then((r) => r.changes));

  const { busy, error, act } = useAction(async () => {
    const answer = await api<{ area: AreaRow }>(`/api/areas/${area.id}/risk`, { method: 'PATCH', body: { controlStatus: status, riskColour: colour, reason } });
    setReason('');
    history.reload();
    onChanged(answer.area);
  });

  const reasonErr = fieldError(error, 'reason');
  const changes = history.data ?? [];
  return (
    <div class="area-risk">
      <h4>{t('riskMap')}</h4>
      <RiskBadge settings={settings} area={area} />
      {!area.retiredAt && (
        <form onSubmit={(e) => (e.preventDefault(), void act())} aria-label={t('riskChange')}>
          <Choice id="risk-status" label={t('riskStatus')} entries={settings?.controlStatuses ?? []} value={status} onChange={setStatus} error={fieldError(error, 'controlStatus')} />
          <Choice id="risk-level" label={t('riskLevel')} entries={settings?.riskLevels ?? []} value={colour} onChange={setColour} error={fieldError(error, 'riskColour')} />
          <Field id="risk-reason" label={t('reason')} error={reasonErr}>
            <input id="risk-reason" value={reason} maxLength={500} onInput={(e) => setReason(e.currentTarget.value)} {...errorProps('risk-reason', reasonErr)} />
          </Field>
          <Refusal error={error} />
          <button type="submit" disabled={busy}>
            {t('riskChange')}
          </button>
        </form>
      )}
      <h4>{t('riskHistory')}</h4>
      {history.data && changes.length === 0 && <p class="muted">{t('riskHistoryEmpty')}</p>}
      <ol class="list" data-testid="risk-history">
        {changes.map((c) => (
          <li key={c.id} class="row">
            <span>
              {riskText(settings, c.from)} → {riskText(settings, c.to)}
            </span>
            <small class="muted">
              {dateTime(c.at)} · {c.actorName ?? '–'} · {c.reason}
            </small>
          </li>
        ))}
      </ol>
    </div>
  );
}
