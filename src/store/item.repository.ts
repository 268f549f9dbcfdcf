/**
 * The catalogue: items and kits (one code space), kit variants and their lines. Plain objects out.
 */
import type { Catalogue, CatalogueEntry, ItemUnit, KitLine, KitVariant } from '../domain/kit';
import type { ItemsTable } from './tables/stock';
import type { Db } from './db';
import { lockForTransaction } from './advisory-lock';


export interface ItemView {
  code: string;
  kind: 'item' | 'kit';
  name: string;
  unit: ItemUnit | null;
  weightKg: number | null;
  volumeL: number | null;
}

export interface KitView extends ItemView {
  variants: (Omit<KitVariant, 'lines'> & { lines: Required<KitLine>[] })[];
}

const view = (r: Pick<ItemsTable, 'code' | 'kind' | 'name' | 'unit' | 'weight_kg' | 'volume_l'>): ItemView => ({
  code: r.code, kind: r.kind, name: r.name, unit: r.unit,
  weightKg: r.weight_kg === null ? null : Number(r.weight_kg), volumeL: r.volume_l === null ? null : Number(r.volume_l),
});

export async function listItems(db: Db): Promise<ItemView[]> {
  const rows = await db.selectFrom('items').select(['code', 'kind', 'name', 'unit', 'weight_kg', 'volume_l']).orderBy('code').execute();
  return rows.map(view);
}

export async function findItems(db: Db, codes: readonly string[]): Promise<ItemView[]> {
  if (codes.length === 0) return [];
  const rows = await db.selectFrom('items').select(['code', 'kind', 'name', 'unit', 'weight_kg', 'volume_l']).where('code', 'in', codes).execute();
  return rows.map(view);
}

/** Inserts an item; false when the code is already taken (by an item or a kit). */
export async function insertItem(db: Db, item: { code: string; name: string; unit: ItemUnit; weightKg: number; volumeL: number }): Promise<boolean> {
  const row = await db.insertInto('items')
    .values({ code: item.code, kind: 'item', name: item.name, unit: item.unit, weight_kg: item.weightKg, volume_l: item.volumeL })
    .onConflict((oc) => oc.column('code').doNothing()).returning('code').executeTakeFirst();
  return row !== undefined;
}

/** The whole catalogue as expansion reads it (kits are few: hundreds at most). */
export async function loadCatalogue(db: Db): Promise<Map<string, CatalogueEntry>> {
  const [items, variants, lines] = await Promise.all([
    db.selectFrom('items').select(['code', 'kind']).execute(),
    db.selectFrom('kit_variants').selectAll().orderBy('kit_code').orderBy('min_members').execute(),
    db.selectFrom('kit_lines').selectAll().orderBy('kit_code').orderBy('variant').orderBy('component_code').execute(),
  ]);
  const byKit = new Map<string, KitVariant[]>();
  const byVariant = new Map<string, KitVariant>();
  for (const v of variants) {
    const kv: KitVariant = { name: v.variant, minMembers: v.min_members, maxMembers: v.max_members, lines: [] };
    byKit.set(v.kit_code, [...(byKit.get(v.kit_code) ?? []), kv]);
    byVariant.set(`${v.kit_code}|${v.variant}`, kv);
  }
  for (const l of lines) {
    byVariant.get(`${l.kit_code}|${l.variant}`)?.lines.push({ code: l.component_code, quantity: l.quantity, substitutes: l.substitutes, optional: l.optional });
  }
  return new Map(items.map((i) => [i.code, i.kind === 'item' ? { kind: 'item' } : { kind: 'kit', variants: byKit.get(i.code) ?? [] }]));
}

export async function getKit(db: Db, code: string): Promise<KitView | undefined> {
  const row = await db.selectFrom('items').select(['code', 'kind', 'name', 'unit', 'weight_kg', 'volume_l']).where('code', '=', code).where('kind', '=', 'kit').executeTakeFirst();
  if (!row) return undefined;
  const catalogue: Catalogue = await loadCatalogue(db);
  const entry = catalogue.get(code);
  const variants = entry?.kind === 'kit' ? entry.variants : [];
  return { ...view(row), variants: variants.map((v) => ({ ...v, lines: v.lines.map((l) => ({ ...l, substitutes: l.substitutes ?? [], optional: l.optional ?? false })) })) };
}

/** Serialises catalogue changes, so two kit edits can't close a cycle between them unseen. */
export async function lockCatalogue(trx: Db): Promise<void> {
  await lockForTransaction(trx, 'cordon.catalogue');
}

/** Writes a kit's header and replaces its variants and lines (inside the caller's transaction). */
export async function replaceKit(trx: Db, code: string, name: string, variants: readonly KitVariant[]): Promise<void> {
  await trx.insertInto('items').values({ code, kind: 'kit', name, unit: null, weight_kg: null, volume_l: null })
    .onConflict((oc) => oc.column('code').doUpdateSet({ name, updated_at: new Date() })).execute();
  await trx.deleteFrom('kit_variants').where('kit_code', '=', code).execute();
  if (variants.length === 0) return;
  await trx.insertInto('kit_variants').values(variants.map((v) => ({ kit_code: code, variant: v.name, min_members: v.minMembers, max_members: v.maxMembers }))).execute();
  const lines = variants.flatMap((v) => v.lines.map((l) => ({ kit_code: code, variant: v.name, component_code: l.code, quantity: l.quantity, substitutes: l.substitutes ?? [], optional: l.optional ?? false })));
  if (lines.length) await trx.insertInto('kit_lines').values(lines).execute();
}

export async function itemKind(db: Db, code: string): Promise<'item' | 'kit' | undefined> {
  const row = await db.selectFrom('items').select('kind').where('code', '=', code).executeTakeFirst();
  return row?.kind;
}
