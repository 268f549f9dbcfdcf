/**
 * Every answer the OpenAPI document lists says what its body is (issue #12, fuzz finding O2: 40
 * answers were listed with a description only while the route sent JSON), and each response schema
 * describes what its service returns: the same fields, each of a type the schema allows. The second
 * part is checked by the compiler (`npm run typecheck`): a field a service adds, drops or retypes
 * fails to compile here, even where the fuzz test never reaches a 2xx.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import * as deliveries from '../../src/contracts/handoff.contract';
import * as passes from '../../src/contracts/pass.contract';
import * as stock from '../../src/contracts/stock.contract';
import { buildOpenApiDocument } from '../../src/http/openapi';
import type { DriverBatch } from '../../src/services/deliveries/driver-batches.service';
import type { EmergencyView } from '../../src/services/emergency/emergency.service';
import type { GateView } from '../../src/services/deliveries/gate-deliveries.service';
import type { HouseholdDeliveries } from '../../src/services/deliveries/household-deliveries.service';
import type { TransportTripView } from '../../src/services/passes/pass-trips.service';
import type { VerifyResult, verificationKey } from '../../src/services/passes/pass-verify.service';
import type { PassView } from '../../src/services/passes/pass-view';
import type { ReceiveResult } from '../../src/services/procurement/procurement-receive.service';
import type { RollUpResult, listPurchaseOrders, readPurchaseOrder } from '../../src/services/procurement/procurement.service';
import type { StockAlert } from '../../src/services/stock/stock-alerts.service';
import type { Shortfall } from '../../src/services/stock/stock-shortfall.service';
import type { WriteOffResult } from '../../src/services/stock/stock.service';
import type { ItemView, KitView } from '../../src/store/item.repository';
import type { EmergencyDayRow, PassDayRow } from '../../src/store/pass-report.repository';
import type { Hospital } from '../../src/store/pass.repository';
import type { listSuppliers } from '../../src/store/procurement.repository';
import type { BalanceRow, LedgerRow } from '../../src/store/stock-read.repository';

type Operation = { responses?: Record<string, { content?: unknown }> };

describe('OpenAPI responses', () => {
  const doc = buildOpenApiDocument();
  const responses = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>).flatMap(([method, op]) =>
      Object.entries(op.responses ?? {}).map(([status, r]) => ({ key: `${method.toUpperCase()} ${path} ${status}`, status, content: r.content }))));

  it('every answer but 204 documents its body', () => {
    expect(responses.filter((r) => r.status !== '204' && !r.content).map((r) => r.key)).toEqual([]);
  });

  it('no 204 documents a body', () => {
    expect(responses.filter((r) => r.status === '204' && r.content).map((r) => r.key)).toEqual([]);
  });

  it('each response schema has exactly the fields its service returns, of types it allows (compile time)', () => {
    expectTypeOf<Describes<typeof stock.catalogueItemView, ItemView>>().toEqualTypeOf<Fits>();
    expectTypeOf<Describes<typeof stock.kitView, KitView>>().toEqualTypeOf<Fits>();
    expectTypeOf<Describes<typeof stock.balancesResponse, { balances: BalanceRow[] }>>().toEqualTypeOf<Fits>();
    expectTypeOf<Describes<typeof stock.writeOffResponse, WriteOffResult>>().toEqualTypeOf<Fits>();
    expectTypeOf<Describes<typeof stock.alertsResponse, { alerts: StockAlert[] }>>().toEqualTypeOf<Fits>();
    expectTypeOf<Describes<typeof stock.ledgerResponse, { entries: LedgerRow[]; nextAfterId: string | null }>>().toEqualTypeOf<Fits>();
    expectTypeOf<Describes<typeof stock.shortfallResponse, { shortfall: Shortfall }>>().toEqualTypeOf<Fits>();
    expectTypeOf<Describes<typeof stock.suppliersResponse, { suppliers: Awaited<ReturnType<typeof listSuppliers>> }>>().toEqualTypeOf<Fits>();
    expectTypeOf<Describes<typeof stock.rollUpResponse, RollUpResult>>().toEqualTypeOf<Fits>();
    expectTypeOf<Describes<typeof stock.ordersResponse, { orders: Awaited<ReturnType<typeof listPurchaseOrders>> }>>().toEqualTypeOf<Fits>();
    // An order's bags always carry returnedNeedIds (bagsOfOrder), which the bag type leaves optional.
    type Order = Awaited<ReturnType<typeof readPurchaseOrder>>;
    expectTypeOf<Describes<typeof stock.orderResponse, { order: Omit<Order, 'bags'> & { bags: Required<Order['bags'][number]>[] } }>>().toEqualTypeOf<Fits>();
    expectTypeOf<Describes<typeof stock.orderReceiptResponse, ReceiveResult>>().toEqualTypeOf<Fits>();

    expectTypeOf<Describes<typeof passes.hospitalView, Hospital>>().toEqualTypeOf<Fits>();
    expectTypeOf<Describes<typeof passes.passView, PassView>>().toEqualTypeOf<Fits>();
    expectTypeOf<Describes<typeof passes.verificationKeyResponse, ReturnType<typeof verificationKey>>>().toEqualTypeOf<Fits>();
    expectTypeOf<Describes<typeof passes.verifyPassResponse, VerifyResult>>().toEqualTypeOf<Fits>();
    expectTypeOf<Describes<typeof passes.driverTripsResponse, { trips: TransportTripView[] }>>().toEqualTypeOf<Fits>();
    expectTypeOf<Describes<typeof passes.passReportResponse, { days: PassDayRow[] }>>().toEqualTypeOf<Fits>();
    expectTypeOf<Describes<typeof passes.emergencyView, EmergencyView>>().toEqualTypeOf<Fits>();
    expectTypeOf<Describes<typeof passes.emergencyReportResponse, { days: EmergencyDayRow[] }>>().toEqualTypeOf<Fits>();

    expectTypeOf<Describes<typeof deliveries.driverBatchesResponse, { batches: DriverBatch[] }>>().toEqualTypeOf<Fits>();
    expectTypeOf<Describes<typeof deliveries.gateDeliveriesResponse, GateView>>().toEqualTypeOf<Fits>();
    expectTypeOf<Describes<typeof deliveries.householdDeliveriesResponse, HouseholdDeliveries>>().toEqualTypeOf<Fits>();
  });
});

/** T as it reaches the client: res.json writes a Date as its ISO string. */
type Json<T> = T extends Date ? string : T extends readonly (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;
/** Every field path of T ("order.lines.needs.state"), over every member of a union. */
type Paths<T, P extends string = ''> = T extends readonly (infer U)[] ? Paths<U, P> : T extends object ? { [K in keyof T & string]-?: `${P}${K}` | Paths<T[K], `${P}${K}.`> }[keyof T & string] : never;
/**
 * Literals widened: a schema may narrow a service's `string` to the closed set the database allows
 * (an enum), but every value of the service's type must still fit the schema's shape, null included.
 */
type Wide<T> = T extends string ? string : T extends number ? number : T extends boolean ? boolean : T extends readonly (infer U)[] ? Wide<U>[] : T extends object ? { [K in keyof T]: Wide<T[K]> } : T;

type Fits = { missing: never; extra: never; fits: true };
type Describes<S extends z.ZodType, T> = {
  /** Fields the service returns that the schema does not list. */
  missing: Exclude<Paths<Json<T>>, Paths<z.output<S>>>;
  /** Fields the schema lists that the service does not return. */
  extra: Exclude<Paths<z.output<S>>, Paths<Json<T>>>;
  fits: Json<T> extends Wide<z.output<S>> ? true : false;
};
