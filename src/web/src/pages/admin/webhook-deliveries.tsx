/**
 * One endpoint's delivery log (newest first): each event with its status, the receiver's last HTTP
 * answer (or none), how long it took, how many attempts, and when; "Send again" queues the same
 * event (same webhook-id, so a receiver can drop a duplicate) behind what is waiting.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api';
import { t } from '../../i18n';
import { useAction, useLoad } from '../../ui/hooks';
import { dateTime } from '../../ui/labels';
import { eventLabel } from './webhook-events';
import { Refusal } from './refusal';
import { WEBHOOKS_PATH, type Delivery } from './webhook-types';

export function WebhookDeliveries({ webhookId, version }: { webhookId: string; version: number }) {
  const [tick, setTick] = useState(0);
  const log = useLoad(`deliveries:${webhookId}:${version}:${tick}`, () => api<{ deliveries: Delivery[] }>(`${WEBHOOKS_PATH}/${webhookId}/deliveries?limit=50`));
  const [queued, setQueued] = useState(false);
  const { busy, error, act: redeliver } = useAction(async (deliveryId: string) => {
    setQueued(false);
    await api(`${WEBHOOKS_PATH}/${webhookId}/deliveries/${deliveryId}/redeliver`, { method: 'POST' });
    setQueued(true);
    setTick((n) => n + 1);
  });
  const rows = log.data?.deliveries ?? [];
  if (log.error) return <Refusal error={log.error} />;
  if (!log.data) return <p class="muted">{t('loading')}</p>;
  return (
    <div data-testid="webhook-deliveries">
      {queued && <p class="banner banner-ok" role="status">{t('whRedelivered')}</p>}
      <Refusal error={error} />
      {rows.length === 0 ? (
        <p class="muted">{t('whNoDeliveries')}</p>
      ) : (
        <div class="table-wrap" tabIndex={0} role="region" aria-label={t('whDeliveries')}>
          <table>
            <caption class="visually-hidden">{t('whDeliveries')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('whColEvent')}</th>
                <th scope="col">{t('whColStatus')}</th>
                <th scope="col">{t('whColCode')}</th>
                <th scope="col">{t('whColLatency')}</th>
                <th scope="col">{t('whColAttempts')}</th>
                <th scope="col">{t('whColWhen')}</th>
                <th scope="col"><span class="visually-hidden">{t('whRedeliver')}</span></th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id} data-delivery-id={d.id} data-status={d.status}>
                  <td>{eventLabel(d.eventType)}</td>
                  <td>{d.status === 'delivered' ? t('whDelivered') : t('whWaiting')}</td>
                  <td title={d.lastError ?? undefined}>{d.lastStatusCode ?? (d.attempts > 0 ? t('whNoAnswer') : '–')}</td>
                  <td>{d.lastLatencyMs === null ? '–' : t('whMs', { ms: d.lastLatencyMs })}</td>
                  <td>{d.attempts}</td>
                  <td>{dateTime(d.lastAttemptAt ?? d.createdAt)}</td>
                  <td>
                    <button type="button" class="secondary" disabled={busy} onClick={() => void redeliver(d.id)}>{t('whRedeliver')}</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
