/**
 * Row types of the tables of migration 0005_stock (catalogue, stock ledger, procurement) as Kysely sees them.
 */
import type { ColumnType, Generated } from 'kysely';
import type { ItemUnit } from '../../domain/kit';
import type { Movement } from '../../domain/stock';

type Stamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface ItemsTable {
  code: string;
  kind: 'item' | 'kit';
  name: string;
  unit: ItemUnit | null;
  weight_kg: number | null;
  volume_l: number | null;
  created_at: Stamp;
  updated_at: Stamp;
}
export interface KitVariantsTable {
  kit_code: string;
  variant: string;
  min_members: number;
  max_members: number;
}
export interface KitLinesTable {
  kit_code: string;
  variant: string;
  component_code: string;
  quantity: number;
  /** Items that may stand in for this one, in order of preference. */
  substitutes: Generated<string[]>;
  /** The kit is still handed out without this component when it is short (and no substitute is there). */
  optional: Generated<boolean>;
}
export type ItemTables = { items: ItemsTable; kit_variants: KitVariantsTable; kit_lines: KitLinesTable };


export interface StockLotsTable {
  id: Generated<string>;
  depot_id: string;
  item_code: string;
  expires_on: ColumnType<string | null, string | null | undefined, never>;
  source_lot_id: string | null;
  reference: string | null;
  received_at: Date | string;
}
export interface StockLedgerTable {
  id: Generated<string>;
  depot_id: string;
  item_code: string;
  lot_id: string | null;
  movement: Movement;
  on_hand_delta: number;
  reserved_delta: number;
  round_id: string | null;
  stop_id: string | null;
  transfer_id: string | null;
  reason: string | null;
  actor: string;
  at: Date | string;
}
export interface StockBalancesTable {
  depot_id: string;
  item_code: string;
  on_hand: Generated<number>;
  reserved: Generated<number>;
  updated_at: Stamp;
}
export interface StockMinimumsTable {
  depot_id: string;
  item_code: string;
  minimum: number;
  updated_at: Stamp;
}
export type StockTables = ItemTables & ProcurementTables & {
  stock_lots: StockLotsTable;
  stock_ledger: StockLedgerTable;
  stock_balances: StockBalancesTable;
  stock_minimums: StockMinimumsTable;
};
export interface SuppliersTable {
  id: Generated<string>;
  name: string;
  kind: 'pharmacy' | 'supplier';
  is_default: Generated<boolean>;
  created_at: Stamp;
}
export interface SupplierDrugsTable {
  drug_key: string;
  supplier_id: string;
}
export type OrderStatus = 'open' | 'sent' | 'partly_received' | 'received';
export interface PurchaseOrdersTable {
  id: Generated<string>;
  supplier_id: string;
  community_id: string;
  order_day: ColumnType<string, string, never>;
  status: Generated<OrderStatus>;
  created_at: Stamp;
  sent_at: Date | null;
}
export interface PurchaseOrderLinesTable {
  id: Generated<string>;
  order_id: string;
  drug_key: string;
  drug: string;
  strength: string;
  quantity: number;
  quantity_received: Generated<number>;
}
export type OrderNeedState = 'ordered' | 'packed' | 'unavailable';
export interface PurchaseOrderNeedsTable {
  need_id: string;
  line_id: string;
  household_id: string;
  corridor_id: string;
  quantity: number;
  state: Generated<OrderNeedState>;
  reason: string | null;
}
export interface MedicineBagsTable {
  id: string;
  household_id: string;
  corridor_id: string;
  order_id: string;
  packed_by: string;
  packed_at: Date | string;
}
export interface MedicineBagNeedsTable {
  need_id: string;
  bag_id: string;
}
export type ProcurementTables = {
  suppliers: SuppliersTable;
  supplier_drugs: SupplierDrugsTable;
  purchase_orders: PurchaseOrdersTable;
  purchase_order_lines: PurchaseOrderLinesTable;
  purchase_order_needs: PurchaseOrderNeedsTable;
  medicine_bags: MedicineBagsTable;
  medicine_bag_needs: MedicineBagNeedsTable;
};
