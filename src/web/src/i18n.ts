/**
 * English and Simplified Chinese. The language comes from the browser (navigator.language) unless
 * the user picked one (kept in localStorage); `t(key)` falls back to English, then to the key.
 */
import { useEffect, useState } from 'preact/hooks';
import { en } from './i18n.en';
import { zh } from './i18n.zh';

export type Lang = 'en' | 'zh-CN';
export type MessageKey = keyof typeof en;
const KEY = 'cordon.lang';
const dictionaries: Record<Lang, Partial<Record<MessageKey, string>>> = { en, 'zh-CN': zh };
const listeners = new Set<() => void>();

function initial(): Lang {
  const saved = localStorage.getItem(KEY);
  if (saved === 'en' || saved === 'zh-CN') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

let current: Lang = initial();
document.documentElement.lang = current;

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem(KEY, next);
  document.documentElement.lang = next;
  listeners.forEach((l) => l());
}

/** `{name}` placeholders are replaced from `vars`; `{name|one|other}` picks a word by whether `name` is 1 ("1 bag", "2 bags"). */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text = dictionaries[current][key] ?? en[key] ?? key;
  return text
    .replace(/\{(\w+)\|([^|{}]*)\|([^|{}]*)\}/g, (_, name: string, one: string, other: string) => (Number(vars[name]) === 1 ? one : other))
    .replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

/** Whether `key` is a message (for codes that come from the server: a kind, a reason, a status). */
export function hasMessage(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

/** The first message `<prefix><code>` among `prefixes` (dashes in codes read as underscores), or null. */
export function codeText(prefixes: string[], code: string): string | null {
  const norm = code.replace(/-/g, '_');
  for (const p of prefixes) {
    if (hasMessage(p + code)) return t((p + code) as MessageKey);
    if (hasMessage(p + norm)) return t((p + norm) as MessageKey);
  }
  return null;
}

/** Re-renders the calling component when the language changes. */
export function useLang(): Lang {
  const [value, setValue] = useState(current);
  useEffect(() => {
    const listener = () => setValue(current);
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, []);
  return value;
}
