/**
 * Stock, kits and medicine procurement.
 *
 * The catalogue holds items (stock-keeping units) and kits (bills of materials with variants by
 * household size). Stock is a ledger: every movement is an append-only row of `stock_ledger`;
 * `stock_balances` is a summary maintained in the same transaction as each ledger row (under a row
 * lock), and its checks make "negative stock" or "reserved beyond on hand" impossible at the database.
 * Procurement turns medicine needs into purchase orders per supplier, community and order day, and
 * received medicine into bags labelled per household.
 */
import { sql, type Kysely } from 'kysely';

const CODE = `check (code ~ '^[a-z0-9][a-z0-9_-]{0,63}$')`;
const MOVEMENTS = `('receipt','transfer_out','transfer_in','reservation','release','deduction','expiry','adjustment')`;

const up_statements = [
  `create table items (
    code text primary key ${CODE},
    kind text not null check (kind in ('item','kit')),
    name text not null,
    unit text check (unit in ('piece','kg','litre','pack','box','cylinder','bottle')),
    weight_kg double precision check (weight_kg >= 0),
    volume_l double precision check (volume_l >= 0),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check ((kind = 'item') = (unit is not null and weight_kg is not null and volume_l is not null))
  )`,
  `create table kit_variants (
    kit_code text not null references items(code),
    variant text not null,
    min_members integer not null check (min_members between 1 and 30),
    max_members integer not null check (max_members between 1 and 30),
    primary key (kit_code, variant),
    check (min_members <= max_members)
  )`,
  `create table kit_lines (
    kit_code text not null,
    variant text not null,
    component_code text not null references items(code),
    quantity integer not null check (quantity > 0),
    primary key (kit_code, variant, component_code),
    foreign key (kit_code, variant) references kit_variants(kit_code, variant) on delete cascade
  )`,
  `create table stock_lots (
    id uuid primary key default gen_random_uuid(),
    depot_id uuid not null references depots(id),
    item_code text not null references items(code),
    expires_on date,
    source_lot_id uuid references stock_lots(id),
    reference text,
    received_at timestamptz not null
  )`,
  `create index stock_lots_depot_item_idx on stock_lots (depot_id, item_code)`,
  `create table stock_ledger (
    id bigint generated always as identity primary key,
    depot_id uuid not null references depots(id),
    item_code text not null references items(code),
    lot_id uuid references stock_lots(id),
    movement text not null check (movement in ${MOVEMENTS}),
    on_hand_delta integer not null,
    reserved_delta integer not null,
    round_id uuid,
    stop_id bigint,
    transfer_id uuid,
    reason text,
    actor text not null,
    at timestamptz not null,
    check (on_hand_delta <> 0 or reserved_delta <> 0),
    check ((lot_id is null) = (on_hand_delta = 0))
  )`,
  `create index stock_ledger_depot_item_idx on stock_ledger (depot_id, item_code, id)`,
  `create index stock_ledger_round_idx on stock_ledger (round_id, stop_id) where round_id is not null`,
  `create index stock_ledger_lot_idx on stock_ledger (lot_id) where lot_id is not null`,
  `create function refuse_stock_ledger_change() returns trigger language plpgsql as $$
   begin raise exception 'stock_ledger is append-only'; end $$`,
  `create trigger stock_ledger_append_only before update or delete on stock_ledger
   for each row execute function refuse_stock_ledger_change()`,
  `create table stock_balances (
    depot_id uuid not null references depots(id),
    item_code text not null references items(code),
    on_hand integer not null default 0 check (on_hand >= 0),
    reserved integer not null default 0 check (reserved >= 0),
    updated_at timestamptz not null default now(),
    primary key (depot_id, item_code),
    check (reserved <= on_hand)
  )`,
  `create table stock_minimums (
    depot_id uuid not null references depots(id),
    item_code text not null references items(code),
    minimum integer not null check (minimum >= 0),
    updated_at timestamptz not null default now(),
    primary key (depot_id, item_code)
  )`,
  `create table suppliers (
    id uuid primary key default gen_random_uuid(),
    name text not null,
    kind text not null check (kind in ('pharmacy','supplier')),
    is_default boolean not null default false,
    created_at timestamptz not null default now()
  )`,
  `create unique index suppliers_one_default_uq on suppliers (is_default) where is_default`,
  // Which supplier sells a drug (normalised name); drugs nobody lists go to the default supplier.
  `create table supplier_drugs (
    drug_key text primary key,
    supplier_id uuid not null references suppliers(id)
  )`,
  `create table purchase_orders (
    id uuid primary key default gen_random_uuid(),
    supplier_id uuid not null references suppliers(id),
    community_id uuid not null references areas(id),
    order_day date not null,
    status text not null default 'open' check (status in ('open','sent','partly_received','received')),
    created_at timestamptz not null default now(),
    sent_at timestamptz,
    unique (supplier_id, community_id, order_day)
  )`,
  `create table purchase_order_lines (
    id uuid primary key default gen_random_uuid(),
    order_id uuid not null references purchase_orders(id),
    drug_key text not null,
    drug text not null,
    strength text not null,
    quantity integer not null check (quantity > 0),
    quantity_received integer not null default 0 check (quantity_received >= 0),
    unique (order_id, drug_key)
  )`,
  `create table purchase_order_needs (
    need_id uuid primary key references needs(id),
    line_id uuid not null references purchase_order_lines(id),
    household_id uuid not null references households(id),
    corridor_id uuid not null references areas(id),
    quantity integer not null check (quantity > 0),
    state text not null default 'ordered' check (state in ('ordered','packed','unavailable')),
    reason text
  )`,
  `create index purchase_order_needs_line_idx on purchase_order_needs (line_id)`,
  `create table medicine_bags (
    id text primary key check (id ~ '^MB-[A-Z0-9]{10}$'),
    household_id uuid not null references households(id),
    corridor_id uuid not null references areas(id),
    order_id uuid not null references purchase_orders(id),
    packed_by text not null,
    packed_at timestamptz not null
  )`,
  `create table medicine_bag_needs (
    need_id uuid primary key references needs(id),
    bag_id text not null references medicine_bags(id)
  )`,
];

const down_statements = [
  'drop table medicine_bag_needs', 'drop table medicine_bags', 'drop table purchase_order_needs',
  'drop table purchase_order_lines', 'drop table purchase_orders', 'drop table supplier_drugs', 'drop table suppliers',
  'drop table stock_minimums', 'drop table stock_balances', 'drop table stock_ledger', 'drop function refuse_stock_ledger_change',
  'drop table stock_lots', 'drop table kit_lines', 'drop table kit_variants', 'drop table items',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of down_statements) await sql.raw(statement).execute(db);
}
