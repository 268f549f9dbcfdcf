/**
 * What the app keeps on the device between page loads while someone is logged in (who they are,
 * form drafts, the gate's ticks, the driver's last batches for a reload without network), encrypted
 * at rest: AES-GCM with a key made at login by Web Crypto as non-extractable (no script, ours
 * included, can read its bytes) and kept in IndexedDB; the ciphertext, one for all entries (their
 * names, which may hold a household id, are hidden too), sits in localStorage under
 * `cordon.vault.data`. Logout deletes the key and every entry: what is left of a session on a
 * shared phone is unreadable, then gone. When the server says the session is over (expired,
 * revoked) while work is still unsent (a chief's door ticks, a driver's trip records), the vault is
 * closed but kept, sealed, with that work alone (`hold`): the next login hands it to the same
 * person (`takeHeld`) and wipes it for anyone else. Where the browser has no Web Crypto (a page
 * served over plain HTTP from another machine), entries are kept as plain JSON, as before; serve
 * the app over TLS.
 *
 * Reads are synchronous (everything is decrypted into memory once, by `open`); writes update memory
 * at once and the whole vault is sealed again (a few kilobytes) right after, in order. Before a
 * session (the login page) nothing is written.
 */
const DATA = 'cordon.vault.data';
const MODE = 'cordon.vault';
const IDB = 'cordon-vault';
const STORE = 'keys';
const KEY_ID = 'session';
/** In clear: how many unsent items a held vault keeps (the login page says so), never what they are. */
const HELD = 'cordon.vault.held';

type Mode = 'aes-gcm' | 'plain';
const memory = new Map<string, unknown>();
let mode: Mode | null = null;
let key: CryptoKey | null = null;
/** Bumped on every create and wipe: a write queued for an older session is dropped. */
let generation = 0;
let writes: Promise<void> = Promise.resolve();

const cryptoAvailable = (): boolean => typeof crypto !== 'undefined' && crypto.subtle !== undefined && typeof indexedDB !== 'undefined';

function keyStore<T>(run: (store: IDBObjectStore) => IDBRequest<T>, write = false): Promise<T> {
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open(IDB, 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore(STORE);
    opening.onerror = () => reject(opening.error ?? new Error('indexedDB open failed'));
    opening.onsuccess = () => {
      const db = opening.result;
      const tx = db.transaction(STORE, write ? 'readwrite' : 'readonly');
      const request = run(tx.objectStore(STORE));
      tx.oncomplete = () => (db.close(), resolve(request.result));
      tx.onerror = () => (db.close(), reject(tx.error ?? new Error('indexedDB failed')));
    };
  });
}

const bytes = (s: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(s);
const toBase64 = (b: Uint8Array): string => btoa(String.fromCharCode(...b));
const fromBase64 = (s: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

async function seal(value: unknown): Promise<string> {
  if (mode === 'plain' || !key) return JSON.stringify(value);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: bytes(DATA) }, key, bytes(JSON.stringify(value))));
  const out = new Uint8Array(iv.length + sealed.length);
  out.set(iv);
  out.set(sealed, iv.length);
  return toBase64(out);
}

async function unseal(stored: string): Promise<unknown> {
  if (mode === 'plain' || !key) return JSON.parse(stored);
  const raw = fromBase64(stored);
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: raw.slice(0, 12), additionalData: bytes(DATA) }, key, raw.slice(12));
  return JSON.parse(new TextDecoder().decode(plain));
}

/** Seals the whole vault again after the current task's changes (several sets in a row: one write). */
let pending = false;
function persist(): void {
  if (!mode || pending) return;
  pending = true;
  const at = generation;
  writes = writes
    .then(async () => {
      pending = false;
      if (at !== generation) return;
      const sealed = await seal(Object.fromEntries(memory));
      if (at === generation) localStorage.setItem(DATA, sealed);
    })
    .catch(() => undefined);
}

export const vault = {
  /** Opens the current session's vault, if there is one: every entry decrypted into memory. False: none (or unreadable, then wiped). */
  async open(): Promise<boolean> {
    // A held vault is no session to resume: only a login opens it (takeHeld).
    if (localStorage.getItem(HELD) !== null) return false;
    const stored = localStorage.getItem(MODE);
    if (stored !== 'aes-gcm' && stored !== 'plain') return false;
    try {
      key = stored === 'aes-gcm' ? ((await keyStore((s) => s.get(KEY_ID) as IDBRequest<CryptoKey | undefined>)) ?? null) : null;
      if (stored === 'aes-gcm' && !key) throw new Error('vault key gone');
      mode = stored;
      const data = localStorage.getItem(DATA);
      const entries = data ? ((await unseal(data)) as Record<string, unknown>) : {};
      for (const [name, value] of Object.entries(entries)) memory.set(name, value);
      return true;
    } catch {
      await vault.wipe();
      return false;
    }
  },

  /** A new, empty vault for a new session (what an earlier one left is wiped first). */
  async create(): Promise<void> {
    await vault.wipe();
    if (cryptoAvailable()) {
      const made = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      await keyStore((s) => s.put(made, KEY_ID), true);
      key = made;
      mode = 'aes-gcm';
    } else mode = 'plain';
    localStorage.setItem(MODE, mode);
  },

  /** Whether entries reach the device (a session's vault is open or was just made). */
  isOpen(): boolean {
    return mode !== null;
  },

  get<T>(name: string): T | undefined {
    return memory.get(name) as T | undefined;
  },

  set(name: string, value: unknown): void {
    memory.set(name, value);
    persist();
  },

  remove(name: string): void {
    memory.delete(name);
    persist();
  },

  /**
   * Closes the vault but keeps, sealed, the entries named in `unsent` that hold items (lists) and
   * who they belong to (`me`); everything else is deleted. Nothing unsent: wiped. Returns the
   * number of items kept.
   */
  async hold(unsent: readonly string[]): Promise<number> {
    const kept = unsent.filter((name) => (memory.get(name) as unknown[] | undefined)?.length);
    const items = kept.reduce((sum, name) => sum + (memory.get(name) as unknown[]).length, 0);
    if (!items || !mode || !memory.has('me')) {
      await vault.wipe();
      return 0;
    }
    for (const name of [...memory.keys()]) if (name !== 'me' && !kept.includes(name)) memory.delete(name);
    persist();
    await writes;
    generation++;
    memory.clear();
    key = null;
    mode = null;
    localStorage.setItem(HELD, String(items));
    return items;
  },

  /** How many unsent items a held vault keeps (0: none held). */
  heldItems(): number {
    return Number(localStorage.getItem(HELD) ?? 0);
  },

  /** A held vault's entries (its `me` among them), read once and wiped; null when none is held or it cannot be read. */
  async takeHeld(): Promise<Record<string, unknown> | null> {
    if (localStorage.getItem(HELD) === null) return null;
    localStorage.removeItem(HELD);
    const entries = (await vault.open()) ? Object.fromEntries(memory) : null;
    await vault.wipe();
    return entries;
  },

  /** Deletes the key and every entry, in memory and on the device. */
  async wipe(): Promise<void> {
    generation++;
    memory.clear();
    key = null;
    mode = null;
    await writes;
    localStorage.removeItem(DATA);
    localStorage.removeItem(MODE);
    localStorage.removeItem(HELD);
    if (cryptoAvailable()) await keyStore((s) => s.delete(KEY_ID), true).catch(() => undefined);
  },

  /** Resolves once every write so far has reached storage. */
  flushed(): Promise<void> {
    return writes;
  },
};
