/**
 * One area of the grid: rename it, retire it (admins; the API refuses while it still holds areas,
 * households or open needs, and says what: shown as it comes), its risk map status and history.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api';
import { t } from '../../i18n';
import { Field, FormError, errorProps, fieldError } from '../../ui/form';
import { useAction, useLoad } from '../../ui/hooks';
import { dateTime } from '../../ui/labels';
import { Refusal } from './refusal';
import { AreaRisk } from './area-risk';
import { kindLabel, type AreaRow } from './area-tree';

function RenameForm({ area, onChanged }: { area: AreaRow; onChanged: (area: AreaRow) => void }) {
  const [name, setName] = useState(area.name);
  const { busy, error, act } = useAction(async () => onChanged(await api<AreaRow>(`/api/areas/${area.id}`, { method: 'PATCH', body: { name } })));
  const nameErr = fieldError(error, 'name');
  return (
    <form class="inline-form" onSubmit={(e) => (e.preventDefault(), void act())} aria-label={t('areaRename')}>
      <Field id="area-name" label={t('areaName')} error={nameErr}>
        <input id="area-name" value={name} maxLength={120} onInput={(e) => setName(e.currentTarget.value)} {...errorProps('area-name', nameErr)} />
      </Field>
      <button type="submit" disabled={busy || name.trim() === '' || name === area.name}>
        {t('areaRename')}
      </button>
      {!nameErr && <Refusal error={error} />}
    </form>
  );
}

function RetireButton({ area, onChanged }: { area: AreaRow; onChanged: (area: AreaRow) => void }) {
  const [asked, setAsked] = useState(false);
  const { busy, error, act } = useAction(async () => {
    setAsked(false);
    onChanged(await api<AreaRow>(`/api/areas/${area.id}/retire`, { method: 'POST' }));
  });
  return (
    <div data-testid="area-retire">
      {asked ? (
        <div class="actions">
          <p class="banner banner-warn">{t('areaRetireConfirm', { name: area.name })}</p>
          <button type="button" class="danger" disabled={busy} onClick={() => void act()}>
            {t('areaRetire')}
          </button>
          <button type="button" class="secondary" onClick={() => setAsked(false)}>
            {t('cancel')}
          </button>
        </div>
      ) : (
        <button type="button" class="danger" onClick={() => setAsked(true)}>
          {t('areaRetire')}
        </button>
      )}
      <Refusal error={error} />
    </div>
  );
}

export function AreaDetail({ areaId, version, onChanged }: { areaId: string; version: number; onChanged: (area: AreaRow) => void }) {
  const loaded = useLoad(`${areaId}:${version}`, () => api<{ area: AreaRow }>(`/api/areas/${areaId}`).then((r) => r.area));
  const area = loaded.data?.id === areaId ? loaded.data : undefined;
  if (!area) return loaded.error ? <FormError error={loaded.error} /> : <p class="muted">{t('loading')}</p>;
  return (
    <div class="area-detail" data-testid="area-detail" data-area-id={area.id}>
      <h3 id="area-title">
        {area.name} · {kindLabel(area.kind)}
      </h3>
      {area.retiredAt ? (
        <p class="banner banner-warn">{t('areaRetiredAt', { at: dateTime(area.retiredAt) })}</p>
      ) : (
        <>
          <RenameForm key={`${area.id}:${area.name}`} area={area} onChanged={onChanged} />
          <RetireButton key={area.id} area={area} onChanged={onChanged} />
        </>
      )}
      <AreaRisk key={area.id} area={area} onChanged={onChanged} />
    </div>
  );
}
