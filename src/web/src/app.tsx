/** The shell: header (language, live status, log out) and one page per role after login. */
import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import { setLang, t, useLang, type Lang } from './i18n';
import { closeLive, useLiveStatus } from './live';
import { session, type Me } from './session';
import { useOnline } from './ui/hooks';
import { LoginPage } from './pages/login.page';
import { CoordinatorPage } from './pages/coordinator.page';
import { StaffPage } from './pages/staff.page';
import { DispatcherPage } from './pages/dispatcher.page';
import { DriverPage } from './pages/driver.page';
import { ResidentPage } from './pages/resident.page';

function useSession(): Me | null {
  const [me, setMe] = useState(session.me());
  useEffect(() => session.subscribe(() => setMe(session.me())), []);
  return me;
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

function Header({ me }: { me: Me | null }) {
  const online = useOnline();
  return (
    <header class="top">
      <strong class="brand">{t('appName')}</strong>
      {me && <span class="who">{t(`role_${me.role}`)} · {me.username}</span>}
      {me && <LiveDot />}
      <LangSwitch />
      {me && (
        <button
          type="button"
          class="secondary"
          onClick={() => {
            api('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
            closeLive();
            // The next person on this device must not see this driver's route (queued reports stay: they are sent on the next login).
            localStorage.removeItem('cordon.driver.batches');
            session.clear();
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
    case 'admin':
      return <DispatcherPage />;
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

export function App() {
  useLang();
  const me = useSession();
  return (
    <>
      <Header me={me} />
      <main id="main">{me ? <RolePage me={me} /> : <LoginPage />}</main>
    </>
  );
}
