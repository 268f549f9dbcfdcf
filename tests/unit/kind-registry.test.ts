/**
 * The kind registries are complete: every need kind is delivered by some round kind (or is a
 * passenger trip), has a load on every dimension and a priority for every urgency, is claimed by
 * exactly the rounds it names, and is translated in both languages of the web app, as is every
 * round kind. A kind added to src/domain/kinds.ts without deciding these fails here or does not compile.
 */
import { describe, expect, it } from 'vitest';
import { NEED_KINDS, ROUND_KINDS, URGENCIES } from '../../src/domain/kinds';
import { LOAD_DIMENSIONS, needKindSpec, STOCK_KINDS } from '../../src/domain/need-kinds';
import { NEED_KINDS_OF_ROUND } from '../../src/domain/round';
import { detailSchemas, needInputSchema } from '../../src/domain/need';
import { CSV_COLUMNS, fieldOfColumn } from '../../src/services/needs/needs-import.columns';
import { en } from '../../src/web/src/i18n.en';
import { zh } from '../../src/web/src/i18n.zh';

describe('need kind registry', () => {
  it.each(NEED_KINDS)('%s is delivered by some round kind, or is a passenger trip', (kind) => {
    const spec = needKindSpec(kind);
    if (spec.supply.from === 'passenger_trip') expect(spec.rounds).toEqual([]);
    else expect(spec.rounds.length).toBeGreaterThan(0);
    for (const round of spec.rounds) expect(NEED_KINDS_OF_ROUND[round]).toContain(kind);
    for (const round of ROUND_KINDS) if (!spec.rounds.includes(round)) expect(NEED_KINDS_OF_ROUND[round]).not.toContain(kind);
  });

  it.each(NEED_KINDS)('%s has a finite, non-negative load on every dimension and a priority for every urgency', (kind) => {
    const spec = needKindSpec(kind);
    for (const units of [null, 1, 7, spec.quantity?.max ?? 1]) {
      for (const members of [1, 5, 30]) {
        const load = spec.load(units, members);
        expect(Object.keys(load).sort()).toEqual([...LOAD_DIMENSIONS].sort());
        for (const d of LOAD_DIMENSIONS) expect(Number.isFinite(load[d]) && load[d] >= 0, `${kind} ${d}`).toBe(true);
        // Something a round carries takes room on the van.
        if (spec.rounds.length) expect(LOAD_DIMENSIONS.some((d) => load[d] > 0)).toBe(true);
      }
    }
    for (const u of URGENCIES) expect([0, 1, 2, 3]).toContain(spec.priority(u));
  });

  it.each(NEED_KINDS)('%s is translated in English and Chinese, and can be submitted', (kind) => {
    expect(en[`kind_${kind}` as keyof typeof en]).toBeTruthy();
    expect(zh[`kind_${kind}` as keyof typeof en]).toBeTruthy();
    expect(needInputSchema.options.some((o) => o.shape.kind.value === kind)).toBe(true);
  });

  it('stock kinds count units in the detail that is their quantity (none: one per need), and every detail field is a CSV column', () => {
    for (const s of STOCK_KINDS) {
      // Nothing derived counts units any more (a food package's size is its kit variant, issue #14 item 8).
      expect(s.unitsField, s.kind).toBe(needKindSpec(s.kind).quantity?.field);
      if (s.unitsField !== undefined) expect(Object.keys(detailSchemas[s.kind].shape), s.kind).toContain(s.unitsField);
    }
    for (const kind of NEED_KINDS) {
      for (const field of Object.keys(detailSchemas[kind].shape)) {
        expect(CSV_COLUMNS.some((c) => fieldOfColumn(c) === field), `${kind}.${field}`).toBe(true);
      }
    }
  });

  it('medical fields are fields of their kind', () => {
    for (const kind of NEED_KINDS) for (const f of needKindSpec(kind).medicalFields) expect(Object.keys(detailSchemas[kind].shape)).toContain(f);
  });
});

describe('round kind registry', () => {
  it.each(ROUND_KINDS)('%s claims some need kind and is translated in both languages', (round) => {
    expect(NEED_KINDS_OF_ROUND[round].length).toBeGreaterThan(0);
    expect(en[`round_${round}` as keyof typeof en]).toBeTruthy();
    expect(zh[`round_${round}` as keyof typeof en]).toBeTruthy();
  });
});
