/**
 * The alert when a webhook endpoint is switched off after failing again and again (the workers'
 * `webhook.disabled` live event, in the dispatch scope): shown at once on the admin's page, whatever
 * view is open, and on the dispatch desk. For admins it also stays while any endpoint is off (so a
 * page opened later shows it too), with a way to the webhooks view; dispatchers, who cannot manage
 * endpoints, see the live alert only.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api';
import { t } from '../../i18n';
import { useLive } from '../../live';
import { useLoad } from '../../ui/hooks';
import { WEBHOOKS_PATH, type Webhook } from './webhook-types';

interface Props {
  /** Admins: read the endpoints (names the one switched off, counts those off), and open the webhooks view. */
  admin?: { version: number; onOpen: () => void; onChanged: () => void };
}

export function WebhookAlert({ admin }: Props) {
  const [alert, setAlert] = useState<{ endpointId: string; failures: number } | null>(null);
  const list = useLoad(admin ? `webhook-alert:${admin.version}` : null, () => api<{ webhooks: Webhook[] }>(WEBHOOKS_PATH));
  useLive(['dispatch'], (event) => {
    if (event?.type !== 'webhook.disabled') return;
    setAlert({ endpointId: event.endpointId, failures: event.consecutiveFailures });
    admin?.onChanged();
  });
  const off = (list.data?.webhooks ?? []).filter((w) => !w.enabled);
  const url = alert && list.data?.webhooks.find((w) => w.id === alert.endpointId)?.url;
  if (!alert && off.length === 0) return null;
  return (
    <div class="banner banner-error webhook-alert" role="alert" data-testid="webhook-alert">
      {alert && <p>{t('whAlertDisabled', { n: alert.failures, url: url ? ` ${url}` : '' })}</p>}
      {admin && off.length > 0 && <p>{t('whAlertCount', { n: off.length })}</p>}
      <div class="actions">
        {admin && <button type="button" onClick={admin.onOpen}>{t('whOpen')}</button>}
        {alert && <button type="button" class="secondary" onClick={() => setAlert(null)}>{t('dismiss')}</button>}
      </div>
    </div>
  );
}
