/** Small hooks shared by the pages: drafts kept in the session's vault, online status, loading data. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { vault } from '../vault';

/**
 * A form's values kept in the session's encrypted vault (vault.ts), so nothing typed is lost to a
 * dropped network or a reload, and nothing typed outlives the session on the device.
 */
export function useDraft<T extends object>(key: string, initial: T): [T, (patch: Partial<T>) => void, () => void] {
  const name = `draft.${key}`;
  const [value, setValue] = useState<T>(() => ({ ...initial, ...(vault.get<Partial<T>>(name) ?? {}) }));
  const update = useCallback(
    (patch: Partial<T>) =>
      setValue((old) => {
        const next = { ...old, ...patch };
        vault.set(name, next);
        return next;
      }),
    [name],
  );
  const clear = useCallback(() => {
    vault.remove(name);
    setValue(initial);
    // `initial` is a fresh literal each render: only the draft's name decides.
  }, [name]);
  return [value, update, clear];
}

export function useOnline(): boolean {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  }, []);
  return online;
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Loads once per `key` and on `reload()`; keeps the last data while reloading. */
export function useLoad<T>(key: string | null, load: () => Promise<T>): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (key === null) return;
    let live = true;
    setLoading(true);
    load().then(
      (d) => live && (setData(d), setError(null), setLoading(false)),
      (e: unknown) => live && (setError(e), setLoading(false)),
    );
    return () => {
      live = false;
    };
  }, [key, tick]);
  return { data, error, loading, reload: useCallback(() => setTick((n) => n + 1), []) };
}

/** A form's action: busy while it runs, its error kept for the form to show (cleared when it runs again or by `clear`). */
export function useAction<A extends unknown[]>(run: (...args: A) => Promise<void>): { busy: boolean; error: unknown; act: (...args: A) => Promise<void>; clear: () => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function act(...args: A): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await run(...args);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, act, clear: useCallback(() => setError(null), []) };
}

/** `run` once `ms` after the last call of the returned function (a burst of live events, one refetch). */
export function useDebounced(run: () => void, ms: number): () => void {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(run);
  latest.current = run;
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  return useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => latest.current(), ms);
  }, [ms]);
}
