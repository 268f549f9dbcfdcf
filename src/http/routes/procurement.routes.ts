/**
 * Medicine procurement routes for community staff (their communities) and admins (all): suppliers,
 * rolling medicine needs up into purchase orders, reading an order (an audited medical read), sending
 * it, receiving it into household bags, and the orders as CSV. Dispatchers and drivers never see drug names.
 */
import { Router, type RequestHandler } from 'express';
import { orderParams, ordersQuery } from '../../contracts/stock.contract';
import type { Role } from '../../domain/access';
import { parseCutoff, receiptLinesSchema, supplierSchema } from '../../domain/procurement';
import type { AuditService } from '../../services/access/audit.service';
import { exportOrdersCsv } from '../../services/stock/export.service';
import { receiveOrder } from '../../services/procurement/procurement-receive.service';
import { createSupplier, listPurchaseOrders, readPurchaseOrder, rollUp, sendOrder, suppliers } from '../../services/procurement/procurement.service';
import type { Clock } from '../../shared/clock';

import { accessOf, actorOf, requestId, requireRole } from '../auth';
import { jsonBody, pathParams, queryParams } from '../validate';
import type { Db } from '../../store/db';

export interface ProcurementRouteDeps {
  db: Db;
  clock: Clock;
  audit: AuditService;
  /** The daily cut-off, as config PROCUREMENT_CUTOFF (e.g. 16:00+08:00). */
  cutoff: string;
}

export const PROCUREMENT_ROLES: Role[] = ['community_staff', 'admin'];

export function procurementRoutes(deps: ProcurementRouteDeps, authenticated: RequestHandler): Router {
  const router = Router();
  const staff = [authenticated, requireRole(...PROCUREMENT_ROLES)];
  const svc = { ...deps, cutoff: parseCutoff(deps.cutoff) };

  router.get('/api/procurement/suppliers', ...staff, async (_req, res) => {
    res.json({ suppliers: await suppliers(deps) });
  });
  router.post('/api/procurement/suppliers', authenticated, requireRole('admin'), async (req, res) => {
    res.status(201).json(await createSupplier(svc, jsonBody(req, supplierSchema), actorOf(res), requestId(req)));
  });

  router.post('/api/procurement/roll-up', ...staff, async (req, res) => {
    res.json(await rollUp(svc, actorOf(res), requestId(req)));
  });
  router.get('/api/procurement/orders', ...staff, async (req, res) => {
    const { status } = queryParams(req, ordersQuery);
    res.json({ orders: await listPurchaseOrders(svc, actorOf(res), status) });
  });
  router.get('/api/procurement/orders.csv', ...staff, async (req, res) => {
    const { status } = queryParams(req, ordersQuery);
    res.status(200).type('text/csv; charset=utf-8').setHeader('Content-Disposition', 'attachment; filename="purchase-orders.csv"');
    await exportOrdersCsv(deps, actorOf(res), requestId(req), status, (chunk) => {
      res.write(chunk);
    });
    res.end();
  });
  router.get('/api/procurement/orders/:orderId', ...staff, async (req, res) => {
    const { orderId } = pathParams(req, orderParams);
    res.json({ order: await readPurchaseOrder(deps, accessOf(res), orderId) });
  });
  router.post('/api/procurement/orders/:orderId/send', ...staff, async (req, res) => {
    const { orderId } = pathParams(req, orderParams);
    await sendOrder(deps, accessOf(res), orderId);
    res.status(204).end();
  });
  router.post('/api/procurement/orders/:orderId/receipts', ...staff, async (req, res) => {
    const { orderId } = pathParams(req, orderParams);
    res.json(await receiveOrder(deps, accessOf(res), orderId, jsonBody(req, receiptLinesSchema)));
  });

  return router;
}
