/**
 * Outbound webhooks on the admin page (issue #19): the endpoints (receiver, events by name, on or
 * off with the reason and since when, events waiting), adding one (its secret shown once), changing
 * one (events, URL, a new secret), switching it off and on, deleting it after a confirmation, and
 * each one's delivery log with "Send again". It reloads when the workers switch an endpoint off.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api';
import { t } from '../../i18n';
import { useAction, useLoad } from '../../ui/hooks';
import { dateTime } from '../../ui/labels';
import { eventLabel } from './webhook-events';
import { WebhookDeliveries } from './webhook-deliveries';
import { WebhookForm } from './webhook-form';
import { Refusal } from './refusal';
import { BY_ADMIN, WEBHOOKS_PATH, type Webhook } from './webhook-types';

function stateOf(w: Webhook): string {
  if (w.enabled) return w.consecutiveFailures > 0 ? t('whFailing', { n: w.consecutiveFailures }) : t('whOn');
  const when = w.disabledAt ? dateTime(w.disabledAt) : '';
  return w.disabledReason === BY_ADMIN ? t('whOffByAdmin', { when }) : t('whOffFailures', { when, n: w.consecutiveFailures });
}

function SecretOnce({ url, secret, onDone }: { url: string; secret: string; onDone: () => void }) {
  return (
    <div class="banner banner-warn" role="status" data-testid="webhook-secret">
      <p>{t('whSecretOnce', { url })}</p>
      <p><code class="secret">{secret}</code></p>
      <button type="button" onClick={onDone}>{t('whSecretDone')}</button>
    </div>
  );
}

type Open = { id: string; what: 'edit' | 'log' } | null;

function Row({ w, open, setOpen, onChanged, version }: { w: Webhook; open: Open; setOpen: (o: Open) => void; onChanged: (w: Webhook | null, secret?: string | null) => void; version: number }) {
  const { busy, error, act } = useAction(async (change: 'on' | 'off' | 'delete') => {
    if (change === 'delete') {
      if (!window.confirm(t('whDeleteConfirm', { url: w.url }))) return;
      await api(`${WEBHOOKS_PATH}/${w.id}`, { method: 'DELETE' });
      onChanged(null);
    } else onChanged(await api<Webhook>(`${WEBHOOKS_PATH}/${w.id}`, { method: 'PATCH', body: { enabled: change === 'on' } }));
  });
  const here = open?.id === w.id ? open.what : null;
  const toggle = (what: 'edit' | 'log') => setOpen(here === what ? null : { id: w.id, what });
  return (
    <li class={w.enabled ? 'webhook' : 'webhook webhook-off'} data-testid="webhook" data-url={w.url} data-enabled={String(w.enabled)}>
      <h3 class="webhook-url">{w.url}</h3>
      {w.description && <p class="muted">{w.description}</p>}
      <p><span class={w.enabled ? 'tag tag-ok' : 'tag'} data-testid="webhook-state">{stateOf(w)}</span>
        {' · '}{t('whColPending')}: {w.pendingCount}</p>
      {!w.enabled && w.disabledReason && w.disabledReason !== BY_ADMIN && <p class="muted small">{w.disabledReason}</p>}
      <p>{t('whColEvents')}: {w.events.map(eventLabel).join(', ')}</p>
      <div class="actions">
        <button type="button" class="secondary" aria-expanded={here === 'edit'} onClick={() => toggle('edit')}>{t('whChange')}</button>
        <button type="button" class="secondary" disabled={busy} onClick={() => void act(w.enabled ? 'off' : 'on')}>{w.enabled ? t('whSwitchOff') : t('whSwitchOn')}</button>
        <button type="button" class="secondary" aria-expanded={here === 'log'} onClick={() => toggle('log')}>{here === 'log' ? t('whHideDeliveries') : t('whDeliveries')}</button>
        <button type="button" class="danger" disabled={busy} onClick={() => void act('delete')}>{t('whDelete')}</button>
      </div>
      <Refusal error={error} />
      {here === 'edit' && <WebhookForm webhook={w} onSaved={(saved, secret) => (setOpen(null), onChanged(saved, secret))} />}
      {here === 'log' && <WebhookDeliveries webhookId={w.id} version={version} />}
    </li>
  );
}

export function Webhooks({ version, onChanged }: { version: number; onChanged: () => void }) {
  const list = useLoad(`webhooks:${version}`, () => api<{ webhooks: Webhook[] }>(WEBHOOKS_PATH));
  const [open, setOpen] = useState<Open>(null);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [status, setStatus] = useState('');
  const changed = (w: Webhook | null, newSecret?: string | null) => {
    setStatus(w ? t('whSaved') : t('whDeleted'));
    if (w && newSecret) setSecret({ url: w.url, secret: newSecret });
    onChanged();
  };
  const webhooks = list.data?.webhooks ?? [];
  return (
    <div class="page admin-page">
      <section class="card wide" aria-labelledby="webhooks-title">
        <h2 id="webhooks-title">{t('whTitle')}</h2>
        <p>{t('whIntro')}</p>
        {secret && <SecretOnce url={secret.url} secret={secret.secret} onDone={() => setSecret(null)} />}
        <p class="visually-hidden" role="status">{status}</p>
        <Refusal error={list.error} />
        {list.data && webhooks.length === 0 && <p class="muted">{t('whNone')}</p>}
        <ul class="list webhooks" aria-label={t('whTitle')}>
          {webhooks.map((w) => <Row key={w.id} w={w} open={open} setOpen={setOpen} onChanged={changed} version={version} />)}
        </ul>
      </section>
      <section class="card wide" aria-labelledby="webhook-add-title">
        <h2 id="webhook-add-title">{t('whAdd')}</h2>
        <WebhookForm onSaved={(w, s) => changed(w, s)} />
      </section>
    </div>
  );
}
