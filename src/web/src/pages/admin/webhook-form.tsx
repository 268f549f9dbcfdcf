/**
 * Adding a webhook endpoint, or changing one: its URL, a description, the events it receives
 * (chosen from the catalogue by name) and its signing secret, generated or typed. A new secret is
 * shown once, by the caller, right after it is saved; the server keeps only a hint of it. What the
 * API refuses (an address inside the network, a malformed secret) is said in plain words next to
 * the field.
 */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import { t, type MessageKey } from '../../i18n';
import { Field, FormError, errorProps, fieldError } from '../../ui/form';
import { useAction } from '../../ui/hooks';
import { WEBHOOK_EVENTS, eventLabel } from './webhook-events';
import { WEBHOOKS_PATH, type Webhook } from './webhook-types';

/** A Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes. */
function generateSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

/** The server's reason for refusing a URL (SSRF check, webhook-target.ts), in the reader's words. */
const URL_PROBLEMS: [RegExp, MessageKey][] = [
  [/loopback|private|link-local|reserved|multicast|unspecified|shared|documentation|benchmark|carrier|internal|address, refused/i, 'whErrUrlInternal'],
  [/does not resolve/, 'whErrUrlResolve'],
  [/https required|http\(s\) URLs only/, 'whErrUrlHttps'],
  [/not a URL/, 'whErrUrlInvalid'],
  [/credentials/, 'whErrUrlCredentials'],
];
export function urlProblem(error: unknown): string | undefined {
  const message = fieldError(error, 'url');
  if (message === undefined) return undefined;
  const known = URL_PROBLEMS.find(([pattern]) => pattern.test(message));
  return known ? t(known[1]) : message;
}

type SecretChoice = 'keep' | 'generate' | 'own';

export function WebhookForm({ webhook, onSaved }: { webhook?: Webhook; onSaved: (saved: Webhook, secret: string | null) => void }) {
  const editing = webhook !== undefined;
  const idp = editing ? `wh-${webhook.id}` : 'wh-new';
  const [url, setUrl] = useState(webhook?.url ?? '');
  const [description, setDescription] = useState(webhook?.description ?? '');
  const [events, setEvents] = useState<string[]>(webhook?.events ?? []);
  const [choice, setChoice] = useState<SecretChoice>(editing ? 'keep' : 'generate');
  const [ownSecret, setOwnSecret] = useState('');

  const { busy, error, act } = useAction(async () => {
    if (events.length === 0) throw new ApiError(422, t('whErrEvents'), t('whErrEvents'), [{ path: ['events'], message: t('whErrEvents') }]);
    const secret = choice === 'own' ? ownSecret.trim() : choice === 'generate' && editing ? generateSecret() : undefined;
    const body = { url: url.trim(), events, ...(description.trim() ? { description: description.trim() } : editing ? { description: null } : {}), ...(secret ? { secret } : {}) };
    if (editing) onSaved(await api<Webhook>(`${WEBHOOKS_PATH}/${webhook.id}`, { method: 'PATCH', body }), secret ?? null);
    else {
      // The server's answer to a creation holds the secret (generated or as typed), this once.
      const created = await api<Webhook & { secret: string }>(WEBHOOKS_PATH, { body });
      onSaved(created, created.secret);
    }
    if (!editing) {
      setUrl('');
      setDescription('');
      setEvents([]);
      setOwnSecret('');
      setChoice('generate');
    }
  });

  const urlErr = urlProblem(error);
  const eventsErr = fieldError(error, 'events') && t('whErrEvents');
  const secretErr = fieldError(error, 'secret') && t('whErrSecret');
  const secretChoices: SecretChoice[] = editing ? ['keep', 'generate', 'own'] : ['generate', 'own'];
  return (
    <form class="webhook-form" aria-label={editing ? t('whChange') : t('whAdd')} data-testid={editing ? 'webhook-edit' : 'webhook-create'} onSubmit={(e) => (e.preventDefault(), void act())}>
      <Field id={`${idp}-url`} label={t('whUrl')} error={urlErr}>
        <input id={`${idp}-url`} type="url" required maxLength={2000} value={url} onInput={(e) => setUrl(e.currentTarget.value)} {...errorProps(`${idp}-url`, urlErr)} />
      </Field>
      <Field id={`${idp}-description`} label={t('whDescription')}>
        <input id={`${idp}-description`} maxLength={200} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      </Field>
      <fieldset class="webhook-events" aria-describedby={eventsErr ? `${idp}-events-err` : undefined}>
        <legend>{t('whEvents')}</legend>
        {WEBHOOK_EVENTS.map((type) => (
          <label key={type}>
            <input type="checkbox" name="events" value={type} checked={events.includes(type)}
              onChange={(e) => setEvents((list) => (e.currentTarget.checked ? [...list, type] : list.filter((x) => x !== type)))} />
            {' '}{eventLabel(type)}
          </label>
        ))}
        {eventsErr && <p class="error" id={`${idp}-events-err`} role="alert">{eventsErr}</p>}
      </fieldset>
      <fieldset>
        <legend>{editing ? `${t('whSecret')} (${webhook.secretHint})` : t('whSecret')}</legend>
        {secretChoices.map((c) => (
          <label key={c}>
            <input type="radio" name={`${idp}-secret`} value={c} checked={choice === c} onChange={() => setChoice(c)} />
            {' '}{t(c === 'keep' ? 'whSecretKeep' : c === 'generate' ? (editing ? 'whRotateGenerate' : 'whSecretGenerate') : 'whSecretOwn')}
          </label>
        ))}
        {choice === 'own' && (
          <Field id={`${idp}-secret`} label={t('whSecretOwnLabel')} error={secretErr}>
            <input id={`${idp}-secret`} required autocomplete="off" spellcheck={false} value={ownSecret} onInput={(e) => setOwnSecret(e.currentTarget.value)} {...errorProps(`${idp}-secret`, secretErr)} />
          </Field>
        )}
      </fieldset>
      <div class="actions">
        <button type="submit" disabled={busy}>{editing ? t('save') : t('whCreate')}</button>
      </div>
      {error !== null && !urlErr && !eventsErr && !secretErr && <FormError error={error} />}
    </form>
  );
}
