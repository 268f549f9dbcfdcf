/**
 * Log in. The server answers with the HttpOnly session cookie (`session: 'cookie'`), never a token
 * the page could keep; the username lives in memory only (nothing is written before a session, and
 * a shared phone must not offer the last person's name).
 */
import { useState } from 'preact/hooks';
import { api } from '../api';
import { t } from '../i18n';
import { session } from '../session';
import { Field, FormError, errorProps, fieldError } from '../ui/form';

interface LoginAnswer {
  mustChangePassword: boolean;
}

export function LoginPage() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await session.beforeLogin();
      const answer = await api<LoginAnswer>('/api/auth/login', { body: { username, password, session: 'cookie' } });
      setPassword('');
      await session.loggedIn(answer.mustChangePassword);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  // Read at each render: the session that just ended may have held some (session.ts).
  const held = session.heldItems();
  const userErr = fieldError(error, 'username');
  const passErr = fieldError(error, 'password');
  return (
    <section class="card narrow">
      <h1>{t('loginTitle')}</h1>
      {held > 0 && (
        <p role="status" class="banner banner-warn" data-testid="login-held">
          {t('loginHeld', { n: held })}
        </p>
      )}
      <form onSubmit={submit} noValidate>
        <Field id="login-username" label={t('username')} error={userErr}>
          <input id="login-username" name="username" autoComplete="username" value={username} onInput={(e) => setUsername(e.currentTarget.value)} {...errorProps('login-username', userErr)} />
        </Field>
        <Field id="login-password" label={t('password')} error={passErr}>
          <input id="login-password" name="password" type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} {...errorProps('login-password', passErr)} />
        </Field>
        <FormError error={error} />
        <button type="submit" disabled={busy}>
          {busy ? t('sending') : t('login')}
        </button>
      </form>
    </section>
  );
}
