/** OpenAPI entries of the stock and procurement routes (stock.routes.ts, procurement.routes.ts). */
import { z } from 'zod';
import {
  adjustedResponse, alertsQuery, alertsResponse, balancesQuery, balancesResponse, expandQuery, expansionResponse, exportPeriodQuery, itemResponse, itemsResponse,
  kitParams, kitResponse, ledgerQuery, ledgerResponse, orderParams, orderReceiptResponse, orderResponse, ordersQuery, ordersResponse, rollUpResponse, shortfallQuery,
  shortfallResponse, supplierCreatedResponse, suppliersResponse, writeOffResponse,
} from '../contracts/stock.contract';
import { itemInputSchema, kitInputSchema } from '../domain/kit';
import { receiptLinesSchema, supplierSchema } from '../domain/procurement';
import { adjustmentSchema, minimumSchema, receiptSchema, transferSchema } from '../domain/stock';
import { csv, errors, json, jsonBody, readErrors, type AddRoute } from './openapi-kit';

/** A status answered without a body (204). */
const done = (description: string) => ({ description });

export function registerStockRoutes(route: AddRoute): void {
  const write = (schema: z.ZodType) => ({ request: { body: jsonBody(schema) } });
  route('get', '/api/stock/items', 'The catalogue: items and kits (depot staff)', { responses: { 200: json(itemsResponse, 'Items'), ...readErrors } });
  route('post', '/api/stock/items', 'Add an item to the catalogue (dispatcher, admin)', { ...write(itemInputSchema), responses: { 201: json(itemResponse, 'Created'), ...errors } });
  route('get', '/api/stock/kits/:code', 'A kit with its variants by household size', { request: { params: kitParams }, responses: { 200: json(kitResponse, 'Kit'), ...readErrors } });
  route('put', '/api/stock/kits/:code', 'Define or redefine a kit (variants must cover household sizes 1-30 once; no cycles)', {
    request: { params: kitParams, body: jsonBody(kitInputSchema) }, responses: { 200: json(kitResponse, 'Kit'), ...errors },
  });
  route('get', '/api/stock/kits/:code/expansion', 'Items of a quantity of a kit for a household size', { request: { params: kitParams, query: expandQuery }, responses: { 200: json(expansionResponse, 'Items'), ...readErrors } });
  route('get', '/api/stock/balances', 'On hand, reserved and available per depot and item', { request: { query: balancesQuery }, responses: { 200: json(balancesResponse, 'Balances'), ...readErrors } });
  route('post', '/api/stock/receipts', 'Receive stock: one lot, with its expiry date', { ...write(receiptSchema), responses: { 201: json(z.object({ lotId: z.uuid() }), 'Lot received'), ...errors } });
  route('post', '/api/stock/transfers', 'Move free stock between depots, first to expire first', { ...write(transferSchema), responses: { 201: json(z.object({ transferId: z.uuid() }), 'Transferred'), ...errors } });
  route('post', '/api/stock/adjustments', 'A counted correction, with a reason', { ...write(adjustmentSchema), responses: { 201: json(adjustedResponse, 'Adjusted'), ...errors } });
  route('post', '/api/stock/write-offs', 'Write off every lot past its expiry date (reserved stock is refused, listed)', { responses: { 200: json(writeOffResponse, 'Written off and refused lots'), ...readErrors } });
  route('put', '/api/stock/minimums', 'Set the minimum level of an item at a depot', { ...write(minimumSchema), responses: { 204: done('Set'), ...errors } });
  route('get', '/api/stock/alerts', 'Stock below its minimum, and lots about to expire', { request: { query: alertsQuery }, responses: { 200: json(alertsResponse, 'Alerts'), ...readErrors } });
  route('get', '/api/stock/ledger', 'The stock ledger, oldest first, paged by id', { request: { query: ledgerQuery }, responses: { 200: json(ledgerResponse, 'Entries and nextAfterId'), ...readErrors } });
  route('get', '/api/stock/ledger.csv', 'The stock ledger as CSV', { request: { query: exportPeriodQuery }, responses: { 200: csv('Ledger rows'), ...readErrors } });
  route('get', '/api/stock/deliveries.csv', 'Delivery records as CSV', { request: { query: exportPeriodQuery }, responses: { 200: csv('Deliveries'), ...readErrors } });
  route('get', '/api/stock/shortfall', 'What each community gets and is short of, per item, for an area’s next round or a round', {
    request: { query: shortfallQuery }, responses: { 200: json(shortfallResponse, 'Shortfall with its explanation'), ...readErrors },
  });
}

export function registerProcurementRoutes(route: AddRoute): void {
  route('get', '/api/procurement/suppliers', 'Suppliers (community staff, admin)', { responses: { 200: json(suppliersResponse, 'Suppliers'), ...readErrors } });
  route('post', '/api/procurement/suppliers', 'Add a supplier and the drugs it is the source for (admin)', { request: { body: jsonBody(supplierSchema) }, responses: { 201: json(supplierCreatedResponse, 'Created'), ...errors } });
  route('post', '/api/procurement/roll-up', 'Roll open medicine needs up into purchase orders per supplier, community and order day', { responses: { 200: json(rollUpResponse, 'Orders touched'), ...readErrors } });
  route('get', '/api/procurement/orders', 'Purchase orders in the caller’s communities', { request: { query: ordersQuery }, responses: { 200: json(ordersResponse, 'Orders'), ...readErrors } });
  route('get', '/api/procurement/orders.csv', 'Purchase orders as CSV (audited medical read)', { request: { query: ordersQuery }, responses: { 200: csv('Order lines'), ...readErrors } });
  route('get', '/api/procurement/orders/:orderId', 'One purchase order with its lines (audited medical read)', { request: { params: orderParams }, responses: { 200: json(orderResponse, 'Order'), ...readErrors } });
  route('post', '/api/procurement/orders/:orderId/send', 'Mark an order sent to its supplier', { request: { params: orderParams }, responses: { 204: done('Sent'), ...readErrors, 409: errors[409] } });
  route('post', '/api/procurement/orders/:orderId/receipts', 'Receive order lines into household bags, or report lines unavailable', {
    request: { params: orderParams, body: jsonBody(receiptLinesSchema) }, responses: { 200: json(orderReceiptResponse, 'Bags packed and needs covered'), ...errors },
  });
}
