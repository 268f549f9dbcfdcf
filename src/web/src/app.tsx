/**
 * The shell: header (language, live status, log out) and one page per role after login, or the
 * password change an admin-set password calls for. Logging out leaves nothing of the session on the
 * device: the vault (who, drafts, the driver's batches) is wiped with its key, the cookie cleared by
 * the server. Only the driver's unsent stop reports stay (ids and outcomes, no personal data), to go
 * out at the next login.
 */
import { useEffect, useState } from 'preact/hooks';
import { setLang, t, useLang, type Lang } from './i18n';
import { closeLive, useLiveStatus } from './live';
import { session, type Me, type SessionState } from './session';
import { useOnline } from './ui/hooks';
import { LoginPage } from './pages/login.page';
import { PasswordPage } from './pages/password.page';
import { CoordinatorPage } from './pages/coordinator.page';
import { StaffPage } from './pages/staff.page';
import { DispatcherPage } from './pages/dispatcher.page';
import { AdminPage } from './pages/admin/admin.page';
import { WebhookAlert } from './pages/admin/webhook-alert';
import { DriverPage } from './pages/driver.page';
import { ResidentPage } from './pages/resident.page';

function useSession(): SessionState {
  const [state, setState] = useState(session.state());
  useEffect(() => {
    const off = session.subscribe(() => setState(session.state()));
    void session.start();
    return off;
  }, []);
  return state;
}

function LangSwitch() {
  const current = useLang();
  return (
    <label class="lang">
      <span class="visually-hidden">{t('language')}</span>
      <select value={current} onChange={(e) => setLang((e.currentTarget as HTMLSelectElement).value as Lang)}>
        <option value="zh-CN">中文</option>
        <option value="en">English</option>
      </select>
    </label>
  );
}

function Header({ me, signedIn }: { me: Me | null; signedIn: boolean }) {
  const online = useOnline();
  return (
    <header class="top">
      <strong class="brand">{t('appName')}</strong>
      {me && <span class="who">{t(`role_${me.role}`)} · {me.username}</span>}
      {me && <LiveDot />}
      <LangSwitch />
      {signedIn && (
        <button
          type="button"
          class="secondary"
          data-testid="logout"
          onClick={() => {
            closeLive();
            void session.logout();
          }}
        >
          {t('logout')}
        </button>
      )}
      {!online && (
        <p class="banner banner-warn" role="status">
          {t('offline')}
        </p>
      )}
    </header>
  );
}

function LiveDot() {
  const connected = useLiveStatus();
  return (
    <span class={connected ? 'live live-on' : 'live live-off'} role="status" data-testid="live-status">
      {connected ? t('liveOn') : t('liveOff')}
    </span>
  );
}

function RolePage({ me }: { me: Me }) {
  switch (me.role) {
    case 'coordinator':
      return <CoordinatorPage me={me} />;
    case 'community_staff':
      return <StaffPage me={me} />;
    case 'dispatcher':
      // A webhook endpoint switched off is told at the desk too (admins manage it).
      return (
        <>
          <WebhookAlert />
          <DispatcherPage />
        </>
      );
    case 'admin':
      return <AdminPage />;
    case 'driver':
      return <DriverPage me={me} />;
    case 'resident':
      return <ResidentPage me={me} />;
    default: {
      const unreachable: never = me.role;
      return unreachable;
    }
  }
}

function Main({ state }: { state: SessionState }) {
  switch (state.kind) {
    case 'loading':
      return <p class="muted">{t('loading')}</p>;
    case 'out':
      return <LoginPage />;
    case 'password':
      return <PasswordPage required />;
    case 'in':
      return <RolePage me={state.me} />;
    default: {
      const unreachable: never = state;
      return unreachable;
    }
  }
}

export function App() {
  useLang();
  const state = useSession();
  const me = state.kind === 'in' ? state.me : null;
  return (
    <>
      <Header me={me} signedIn={state.kind === 'in' || state.kind === 'password'} />
      <main id="main">
        <Main state={state} />
      </main>
    </>
  );
}
