/**
 * A person's notice settings (issue #19): language, channels, SMS number, quiet hours, time zone
 * and the messages they do not want (GET/PUT /api/me/notices), and web push on this device: the
 * service worker /sw.js, the server's VAPID key, the browser's subscription posted to
 * POST /api/me/push-subscriptions. Any role may mount it (residents, unit chiefs, staff).
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { useLang } from '../i18n';
import { noticeText, type NoticeTextKey } from './notice-settings.texts';

type Channel = 'sms' | 'webpush' | 'inapp';

interface Prefs {
  language: 'en' | 'zh-CN';
  channels: Channel[];
  mutedKinds: string[];
  smsPhone: string | null;
  householdPhone: string | null;
  quietHours: { from: string; until: string } | null;
  timeZone: string;
  available: Channel[];
  kinds: { kind: string; emergency: boolean }[];
  pushSubscriptions: number;
}

const CHANNELS: Channel[] = ['sms', 'webpush', 'inapp'];

/** The VAPID key as the Push API wants it (base64url to bytes). */
function keyBytes(base64url: string): ArrayBuffer {
  const raw = atob(base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0)).buffer;
}

/** Registers the service worker, subscribes this browser and stores the subscription. */
async function enablePush(): Promise<'on' | 'unsupported' | 'denied' | 'off'> {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return 'unsupported';
  const { publicKey } = await api<{ publicKey: string | null }>('/api/me/push-subscriptions/vapid-key');
  if (!publicKey) return 'off';
  if ((await Notification.requestPermission()) !== 'granted') return 'denied';
  const registration = await navigator.serviceWorker.register('/sw.js');
  await navigator.serviceWorker.ready;
  const subscription = (await registration.pushManager.getSubscription())
    ?? (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) }));
  await api('/api/me/push-subscriptions', { method: 'POST', body: subscription.toJSON() });
  return 'on';
}

/** This browser's push subscription, if it has one (no permission prompt: only asks what is there). */
async function deviceSubscription(): Promise<PushSubscription | null> {
  if (!('serviceWorker' in navigator) || !('PushManager' in window)) return null;
  const registration = await navigator.serviceWorker.getRegistration('/');
  return (await registration?.pushManager.getSubscription()) ?? null;
}

/**
 * Push off on this device: the browser's subscription is ended (the push service forgets it) and
 * the server deletes its copy, so nothing more is sent here. The server is told even when the
 * browser had already dropped it.
 */
async function disablePush(): Promise<void> {
  const subscription = await deviceSubscription();
  if (!subscription) return;
  const { endpoint } = subscription;
  await subscription.unsubscribe();
  await api('/api/me/push-subscriptions', { method: 'DELETE', body: { endpoint } });
}

export function NoticeSettings() {
  const lang = useLang();
  const tx = (key: NoticeTextKey, vars?: Record<string, string | number>) => noticeText(lang, key, vars);
  const [prefs, setPrefs] = useState<Prefs | null>(null);
  const [status, setStatus] = useState<string>('');
  const [pushHere, setPushHere] = useState(false);
  const load = () => {
    void api<Prefs>('/api/me/notices').then(setPrefs).catch(() => setStatus(tx('failed')));
    void deviceSubscription().then((s) => setPushHere(s !== null)).catch(() => setPushHere(false));
  };
  useEffect(load, []);
  if (!prefs) return <p aria-live="polite">{status}</p>;

  const change = (patch: Partial<Prefs>) => setPrefs({ ...prefs, ...patch });
  const toggle = <T,>(list: T[], item: T, on: boolean): T[] => (on ? [...new Set([...list, item])] : list.filter((x) => x !== item));
  const save = async (event: Event) => {
    event.preventDefault();
    try {
      const body = {
        language: prefs.language, channels: prefs.channels, mutedKinds: prefs.mutedKinds, smsPhone: prefs.smsPhone?.trim() || null,
        quietHours: prefs.quietHours, timeZone: prefs.timeZone,
      };
      setPrefs(await api<Prefs>('/api/me/notices', { method: 'PUT', body }));
      setStatus(tx('saved'));
    } catch {
      setStatus(tx('failed'));
    }
  };
  const push = async () => {
    try {
      const outcome = await enablePush();
      setStatus(tx(outcome === 'on' ? 'pushOn' : outcome === 'denied' ? 'pushDenied' : 'pushUnsupported'));
      if (outcome === 'on') load();
    } catch {
      setStatus(tx('pushUnsupported'));
    }
  };
  const pushOff = async () => {
    try {
      await disablePush();
      setStatus(tx('pushOff'));
      load();
    } catch {
      setStatus(tx('pushOffFailed'));
    }
  };

  return (
    <form class="notice-settings" onSubmit={save} data-testid="notice-settings">
      <h2>{tx('heading')}</h2>
      <p>{tx('intro')}</p>
      <div class="field">
        <label for="notice-language">{tx('language')}</label>
        <select id="notice-language" value={prefs.language} onChange={(e) => change({ language: (e.currentTarget.value === 'en' ? 'en' : 'zh-CN') })}>
          <option value="zh-CN">中文</option>
          <option value="en">English</option>
        </select>
      </div>
      <fieldset>
        <legend>{tx('channels')}</legend>
        {CHANNELS.map((c) => (
          <label key={c}>
            <input type="checkbox" checked={prefs.channels.includes(c)} disabled={!prefs.available.includes(c)}
              onChange={(e) => change({ channels: toggle(prefs.channels, c, e.currentTarget.checked) })} />
            {' '}{tx(c)}{prefs.available.includes(c) ? '' : ` ${tx('unavailable')}`}
          </label>
        ))}
      </fieldset>
      {prefs.available.includes('webpush') && (
        <p>
          {pushHere
            ? <button type="button" class="secondary" data-testid="push-off" onClick={() => void pushOff()}>{tx('disablePush')}</button>
            : <button type="button" onClick={() => void push()}>{tx('enablePush')}</button>}{' '}
          {tx('devices', { n: prefs.pushSubscriptions })}
        </p>
      )}
      <div class="field">
        <label for="notice-phone">{tx('smsPhone')}</label>
        <input id="notice-phone" type="tel" autocomplete="tel" value={prefs.smsPhone ?? ''} placeholder={prefs.householdPhone ?? ''} aria-describedby="notice-phone-hint"
          onInput={(e) => change({ smsPhone: e.currentTarget.value })} />
        <p id="notice-phone-hint" class="hint">{tx('smsPhoneHint')}</p>
      </div>
      <fieldset>
        <legend>{tx('quiet')}</legend>
        <label>
          <input type="checkbox" checked={prefs.quietHours === null} onChange={(e) => change({ quietHours: e.currentTarget.checked ? null : { from: '22:00', until: '07:00' } })} />
          {' '}{tx('quietOff')}
        </label>
        {prefs.quietHours && (
          <>
            <label for="notice-quiet-from">{tx('quietFrom')}</label>
            <input id="notice-quiet-from" type="time" value={prefs.quietHours.from} onInput={(e) => change({ quietHours: { ...prefs.quietHours!, from: e.currentTarget.value } })} />
            <label for="notice-quiet-until">{tx('quietUntil')}</label>
            <input id="notice-quiet-until" type="time" value={prefs.quietHours.until} onInput={(e) => change({ quietHours: { ...prefs.quietHours!, until: e.currentTarget.value } })} />
          </>
        )}
      </fieldset>
      <div class="field">
        <label for="notice-tz">{tx('timeZone')}</label>
        <input id="notice-tz" value={prefs.timeZone} onInput={(e) => change({ timeZone: e.currentTarget.value })} />
      </div>
      <fieldset>
        <legend>{tx('muted')}</legend>
        {prefs.kinds.filter((k) => !k.emergency).map(({ kind }) => (
          <label key={kind}>
            <input type="checkbox" checked={prefs.mutedKinds.includes(kind)} onChange={(e) => change({ mutedKinds: toggle(prefs.mutedKinds, kind, e.currentTarget.checked) })} />
            {' '}{tx(`kind_${kind}` as NoticeTextKey)}
          </label>
        ))}
      </fieldset>
      <button type="submit">{tx('save')}</button>
      <p aria-live="polite">{status}</p>
    </form>
  );
}
