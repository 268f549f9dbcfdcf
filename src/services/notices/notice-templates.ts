/**
 * The notices' texts (issue #19, item 3): one file per language, templates/<language>.json, with a
 * title and a text per message kind (the SMS is the text; a push shows both), the stop failure
 * reasons in words, and what an absent value shows. Placeholders are `{{name}}`, nothing more: no
 * expressions, loops or HTML, so a template can only place the values its kind provides
 * (src/domain/notices.ts). A value is plain text: control characters are removed and it is cut at
 * 80 characters. tests/unit/notice-templates.test.ts checks every kind has a template in every
 * language, using only its kind's placeholders.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { NOTICE_KINDS, NOTICE_KIND_NAMES, NOTICE_LANGUAGES, type NoticeKind, type NoticeLanguage } from '../../domain/notices';
import { STOP_FAILURE_REASONS } from '../../contracts/events';

const message = z.strictObject({ title: z.string().min(1).max(100), text: z.string().min(1).max(480) });
const templateFile = z.strictObject({
  messages: z.record(z.string(), message),
  reasons: z.record(z.enum(STOP_FAILURE_REASONS), z.string().min(1)),
  missing: z.string(),
});
export type TemplateFile = z.infer<typeof templateFile>;

const PLACEHOLDER = /\{\{([A-Za-z][A-Za-z0-9]*)\}\}/g;

/** The placeholder names a template text uses, in order of first use. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

function load(language: NoticeLanguage): TemplateFile {
  const raw = readFileSync(new URL(`./templates/${language}.json`, import.meta.url), 'utf8');
  return templateFile.parse(JSON.parse(raw));
}

export const TEMPLATES: Readonly<Record<NoticeLanguage, TemplateFile>> = Object.fromEntries(NOTICE_LANGUAGES.map((l) => [l, load(l)])) as Record<NoticeLanguage, TemplateFile>;

export type NoticeValues = Readonly<Record<string, string | number | null | undefined>>;

export interface RenderedNotice {
  title: string;
  text: string;
}

const clean = (v: string): string => [...v.replace(/[\p{Cc}\p{Cf}]/gu, ' ')].slice(0, 80).join('');

function formatTime(iso: string, language: NoticeLanguage, timeZone: string, timeOnly: boolean): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  return new Intl.DateTimeFormat(language, {
    timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...(timeOnly ? {} : { month: 'short', day: 'numeric' }),
  }).format(at);
}

/**
 * The title and text of a notice in a language. Times are shown in `timeZone`; a short-lived
 * kind's (dropped in quiet hours: an ETA) as the time of day only, others with their date.
 * Throws when the language's file lacks the kind (the unit test keeps that from shipping).
 */
export function renderNotice(kind: NoticeKind, language: NoticeLanguage, values: NoticeValues, timeZone: string): RenderedNotice {
  const file = TEMPLATES[language];
  const template = file.messages[kind];
  if (!template) throw new Error(`no ${language} template for notice ${kind}`);
  const spec = NOTICE_KINDS[kind];
  const timeParams: readonly string[] = spec.timeParams;
  const value = (name: string): string => {
    const v = values[name];
    if (v === null || v === undefined || v === '') return file.missing;
    if (timeParams.includes(name)) return formatTime(String(v), language, timeZone, spec.whenQuiet === 'drop') || file.missing;
    if (name === 'reason') return file.reasons[v as keyof TemplateFile['reasons']] ?? file.reasons.other;
    return clean(String(v));
  };
  const fill = (text: string) => text.replace(PLACEHOLDER, (_all, name: string) => value(name));
  return { title: fill(template.title), text: fill(template.text) };
}

export interface TemplateListing {
  kind: NoticeKind;
  language: NoticeLanguage;
  title: string;
  text: string;
  placeholders: string[];
  emergency: boolean;
}

export function listTemplates(): TemplateListing[] {
  return NOTICE_KIND_NAMES.flatMap((kind) => NOTICE_LANGUAGES.map((language) => {
    const t = TEMPLATES[language].messages[kind];
    return { kind, language, title: t?.title ?? '', text: t?.text ?? '', placeholders: [...NOTICE_KINDS[kind].params], emergency: NOTICE_KINDS[kind].emergency };
  }));
}
