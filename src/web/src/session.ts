/** The login session kept in localStorage (token and who the user is), with change listeners. */
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

const KEY = 'cordon.session';
type Listener = () => void;
const listeners = new Set<Listener>();

interface Stored {
  token: string;
  me: Me | null;
}

function read(): Stored | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Stored) : null;
  } catch {
    return null;
  }
}

export const session = {
  token: (): string | null => read()?.token ?? null,
  me: (): Me | null => read()?.me ?? null,
  set(token: string, me: Me | null): void {
    localStorage.setItem(KEY, JSON.stringify({ token, me }));
    listeners.forEach((l) => l());
  },
  clear(): void {
    localStorage.removeItem(KEY);
    listeners.forEach((l) => l());
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
