/**
 * Notice templates (issue #19, item 3): every message kind has a title and a text in every
 * language; each uses only its kind's placeholders, and every placeholder the kind provides is
 * used by the text of each language (so no language silently leaves out a time or a place).
 * The renderer fills, formats times in the person's zone, translates reasons and keeps values plain.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NOTICE_KINDS, NOTICE_KIND_NAMES, NOTICE_LANGUAGES } from '../../src/domain/notices';
import { STOP_FAILURE_REASONS } from '../../src/contracts/events';
import { placeholdersOf, renderNotice, TEMPLATES } from '../../src/services/notices/notice-templates';

describe('notice templates', () => {
  it('has one file per language and nothing else', () => {
    const files = readdirSync(new URL('../../src/services/notices/templates/', import.meta.url)).sort();
    expect(files).toEqual(NOTICE_LANGUAGES.map((l) => `${l}.json`).sort());
  });

  for (const language of NOTICE_LANGUAGES) {
    describe(language, () => {
      it('has a template for every kind, and no template of an unknown kind', () => {
        expect(Object.keys(TEMPLATES[language].messages).sort()).toEqual([...NOTICE_KIND_NAMES].sort());
      });

      it.each(NOTICE_KIND_NAMES)('%s uses exactly the placeholders its kind provides', (kind) => {
        const t = TEMPLATES[language].messages[kind]!;
        const provided: readonly string[] = NOTICE_KINDS[kind].params;
        expect(placeholdersOf(t.title).filter((p) => !provided.includes(p))).toEqual([]);
        expect(placeholdersOf(t.text).sort()).toEqual([...provided].sort());
      });

      it('says every stop failure reason in words', () => {
        expect(Object.keys(TEMPLATES[language].reasons).sort()).toEqual([...STOP_FAILURE_REASONS].sort());
      });
    });
  }

  it('fills a template: times in the zone and language, reasons translated, values cleaned, absent ones a dash', () => {
    const en = renderNotice('delivery_eta', 'en', { gate: 'Building 3\nUnit 2', from: '2026-12-03T06:15:00Z', until: '2026-12-03T06:45:00Z' }, 'Asia/Shanghai');
    expect(en.text).toBe('Cordon: your delivery is on its way to Building 3 Unit 2, expected between 14:15 and 14:45.');
    const zh = renderNotice('delivery_failed', 'zh-CN', { gate: '3号楼', reason: 'no_answer' }, 'Asia/Shanghai');
    expect(zh.text).toContain('无人应答');
    expect(zh.text).toContain('3号楼');
    const missing = renderNotice('pass_approved', 'en', { ref: 'AB12', outbound: null }, 'UTC');
    expect(missing.text).toContain('from —');
    // A value that looks like a placeholder stays text: one pass, no re-expansion.
    expect(renderNotice('need_accepted', 'en', { ref: '{{ref}}' }, 'UTC').text).toContain('request {{ref}} is accepted');
  });

  it('refuses a kind without a template', () => {
    expect(() => renderNotice('nope' as never, 'en', {}, 'UTC')).toThrow(/no en template/);
  });
});
