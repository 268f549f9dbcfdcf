/**
 * The login session as the page knows it. The session itself is an HttpOnly cookie the page never
 * sees (no token in storage, none in memory); the page keeps only who is logged in, in the
 * encrypted vault (vault.ts), so a reload without network still knows the driver.
 *
 * States: `loading` (starting), `out` (log in), `password` (an admin set the password: change it
 * first), `in` (the role's page). Logout wipes the vault and asks the server to end the session and
 * clear the cookie; offline, that request waits (`cordon.logout-pending`) and until it went out
 * the page never resumes the old session, even though the browser still holds its cookie.
 * When the server ends the session instead (expired, revoked) with a chief's door ticks or a
 * driver's trip records still unsent, they are held in the closed vault and sent once the same
 * person logs in again (vault.ts `hold`); the login page says how many wait.
 */
import { api, ApiError, NetworkError, onAuthProblem } from './api';
import { CUSTODY_OUTBOX } from './ui/custody-outbox';
import { GATE_OUTBOX } from './ui/gate-outbox';
import { vault } from './vault';

/** The queues of work made offline that only the server can take: held over a session the server ended. */
const UNSENT = [GATE_OUTBOX, CUSTODY_OUTBOX];

export type Role = 'admin' | 'dispatcher' | 'community_staff' | 'coordinator' | 'resident' | 'driver';

export interface Me {
  id: string;
  username: string;
  role: Role;
  householdId: string | null;
  corridorIds: string[];
  communityIds: string[];
  driverId: string | null;
}

export type SessionState = { kind: 'loading' } | { kind: 'out' } | { kind: 'password' } | { kind: 'in'; me: Me };

const PENDING_LOGOUT = 'cordon.logout-pending';
/** What earlier versions kept in clear (the bearer token among them): removed on sight. */
const LEGACY = [/^cordon\.session$/, /^cordon\.driver\.batches$/, /^cordon\.draft\./, /^cordon\.contacted\./];

type Listener = () => void;
const listeners = new Set<Listener>();
let state: SessionState = { kind: 'loading' };

function setState(next: SessionState): void {
  state = next;
  listeners.forEach((l) => l());
}

function dropLegacy(): void {
  for (const k of Object.keys(localStorage)) if (LEGACY.some((re) => re.test(k))) localStorage.removeItem(k);
}

/** Sends a logout that could not go out before; true once the server has ended that session (or it had ended). */
async function sendPendingLogout(): Promise<boolean> {
  if (localStorage.getItem(PENDING_LOGOUT) === null) return true;
  try {
    await api('/api/auth/logout', { method: 'POST' });
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) return false;
  }
  localStorage.removeItem(PENDING_LOGOUT);
  return true;
}

/** `held`: what a session the server ended left unsent; carried into this one if it is the same person's. */
async function loadMe(held: Record<string, unknown> | null = null): Promise<void> {
  const me = await api<Me>('/api/auth/me');
  if (!vault.isOpen()) await vault.create();
  vault.set('me', me);
  if (held && (held.me as Me | undefined)?.id === me.id) for (const name of UNSENT) if (held[name] !== undefined) vault.set(name, held[name]);
  setState({ kind: 'in', me });
}

let ending: Promise<void> | null = null;

/**
 * `hold`: the server ended the session, so what it left unsent is held for the same person's next
 * login. The login page shows once the vault is done with (it reads how many items are held); a
 * second 401 meanwhile joins the first end rather than wiping what it held.
 */
function end(unsent: 'hold' | 'wipe' = 'wipe'): Promise<void> {
  ending ??= (async () => {
    if (unsent === 'hold') await vault.hold(UNSENT);
    else await vault.wipe();
    dropLegacy();
    setState({ kind: 'out' });
  })().finally(() => (ending = null));
  return ending;
}

onAuthProblem({
  // The server says the session is over (expired, revoked, logged out elsewhere): nothing of it
  // stays but the work not yet sent, held sealed for the same person's next login.
  unauthenticated: () => void (state.kind !== 'out' && end('hold')),
  passwordRequired: () => setState({ kind: 'password' }),
});

export const session = {
  state: (): SessionState => state,
  me: (): Me | null => (state.kind === 'in' ? state.me : null),

  /** At page load: resume the session the browser holds, from the vault when offline. */
  async start(): Promise<void> {
    dropLegacy();
    if (!(await sendPendingLogout())) return setState({ kind: 'out' });
    // No vault: no session began on this device (or it ended): straight to the login, no request.
    if (!(await vault.open())) return setState({ kind: 'out' });
    const cached = vault.get<Me>('me');
    if (cached) setState({ kind: 'in', me: cached });
    try {
      await loadMe();
    } catch (err) {
      // Offline: keep what the vault had (the driver's route). The password change was set by onAuthProblem.
      if (err instanceof NetworkError && cached) return;
      if (err instanceof ApiError && err.code === 'password_change_required') return;
      if (state.kind !== 'out') await end(err instanceof ApiError && err.status === 401 ? 'hold' : 'wipe');
    }
  },

  /** After a successful login answer: a fresh vault, then the role's page or the password change. */
  async loggedIn(mustChangePassword: boolean): Promise<void> {
    const held = await vault.takeHeld();
    await vault.create();
    if (mustChangePassword) return setState({ kind: 'password' });
    await loadMe(held);
  },

  /** Unsent items a session the server ended left on this device, waiting for that person's next login. */
  heldItems: (): number => vault.heldItems(),

  /** Before a login: a logout still owed to the server goes first. */
  beforeLogin: (): Promise<boolean> => sendPendingLogout(),

  passwordChanged: (): Promise<void> => loadMe(),

  async logout(): Promise<void> {
    localStorage.setItem(PENDING_LOGOUT, '1');
    await end();
    await sendPendingLogout();
  },

  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
