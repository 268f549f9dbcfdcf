/** Log in: the username is kept as a draft, the password never is. */
import { useState } from 'preact/hooks';
import { api } from '../api';
import { t } from '../i18n';
import { session, type Me } from '../session';
import { Field, FormError, errorProps, fieldError } from '../ui/form';
import { useDraft } from '../ui/hooks';

interface LoginAnswer {
  token: string;
}

export function LoginPage() {
  const [draft, setDraft] = useDraft('login', { username: '' });
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { token } = await api<LoginAnswer>('/api/auth/login', { body: { username: draft.username, password } });
      session.set(token, null);
      const me = await api<Me>('/api/auth/me');
      session.set(token, me);
    } catch (err) {
      session.clear();
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const userErr = fieldError(error, 'username');
  const passErr = fieldError(error, 'password');
  return (
    <section class="card narrow">
      <h1>{t('loginTitle')}</h1>
      <form onSubmit={submit} noValidate>
        <Field id="login-username" label={t('username')} error={userErr}>
          <input id="login-username" name="username" autoComplete="username" value={draft.username} onInput={(e) => setDraft({ username: e.currentTarget.value })} {...errorProps('login-username', userErr)} />
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
