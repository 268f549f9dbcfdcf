/**
 * Change the password: shown at once when an admin set it (a new account, a reset), since the
 * server then opens nothing else to the session. Length over complexity (NIST SP 800-63B): 15
 * characters or more, no required digits or symbols; the server refuses common passwords and says
 * why at the field. A "show" switch instead of typing it twice.
 */
import { useState } from 'preact/hooks';
import { api } from '../api';
import { t } from '../i18n';
import { session } from '../session';
import { Field, FormError, errorProps, fieldError } from '../ui/form';

export function PasswordPage({ required, onDone }: { required: boolean; onDone?: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [show, setShow] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('/api/auth/password', { body: { currentPassword: current, newPassword: next } });
      setCurrent('');
      setNext('');
      await session.passwordChanged();
      onDone?.();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const currentErr = fieldError(error, 'currentPassword');
  const nextErr = fieldError(error, 'newPassword');
  const type = show ? 'text' : 'password';
  return (
    <section class="card narrow" data-testid="password-change">
      <h1>{t('passwordTitle')}</h1>
      {required && <p class="banner banner-warn">{t('passwordOneTime')}</p>}
      <form onSubmit={submit} noValidate>
        <Field id="pw-current" label={t('passwordCurrent')} error={currentErr}>
          <input id="pw-current" name="current-password" type={type} autoComplete="current-password" value={current} onInput={(e) => setCurrent(e.currentTarget.value)} {...errorProps('pw-current', currentErr)} />
        </Field>
        <Field id="pw-new" label={t('passwordNew')} error={nextErr}>
          <input id="pw-new" name="new-password" type={type} autoComplete="new-password" minLength={15} value={next} onInput={(e) => setNext(e.currentTarget.value)} aria-describedby={nextErr ? 'pw-new-err' : 'pw-new-hint'} {...(nextErr ? { 'aria-invalid': true } : {})} />
        </Field>
        <p class="muted" id="pw-new-hint">
          {t('passwordHint')}
        </p>
        <div class="check">
          <input id="pw-show" type="checkbox" checked={show} onChange={(e) => setShow(e.currentTarget.checked)} />
          <label for="pw-show">{t('passwordShow')}</label>
        </div>
        <FormError error={error} />
        <button type="submit" disabled={busy}>
          {busy ? t('sending') : t('passwordChange')}
        </button>
      </form>
    </section>
  );
}
