/**
 * Stock routes for the people who run depots and plan rounds (dispatchers, admins, community staff):
 * the catalogue (items, kits), balances, movements, minimums, alerts, the ledger (JSON and CSV),
 * shortfalls for the next round, and delivery records as CSV. Catalogue changes: dispatchers and admins.
 */
import { Router, type RequestHandler, type Response } from 'express';
import { alertsQuery, balancesQuery, expandQuery, exportPeriodQuery, kitParams, ledgerQuery, shortfallQuery } from '../../contracts/stock.contract';
import type { Role } from '../../domain/access';
import { itemInputSchema, kitInputSchema } from '../../domain/kit';
import { adjustmentSchema, minimumSchema, receiptSchema, transferSchema } from '../../domain/stock';
import type { AuditService } from '../../services/access/audit.service';
import { exportDeliveriesCsv, exportLedgerCsv } from '../../services/stock/export.service';
import { defineItem, defineKit, expand, listCatalogue, readKit } from '../../services/stock/kit.service';
import { stockAlerts, type StockAlertPublisher } from '../../services/stock/stock-alerts.service';
import { shortfallForArea, shortfallForRound } from '../../services/stock/stock-shortfall.service';
import { adjustStock, receiveStock, setMinimum, transferStock, writeOffExpired } from '../../services/stock/stock.service';
import { ledgerPage, stockBalances } from '../../services/stock/stock-read.service';
import type { Clock } from '../../shared/clock';

import { accessOf, actorOf, requireRole } from '../auth';
import { jsonBody, pathParams, queryParams } from '../validate';
import type { Db } from '../../store/db';

export interface StockRouteDeps {
  db: Db;
  clock: Clock;
  audit: AuditService;
  /** Live publisher: stock falling below a minimum is pushed to the dispatch desk. */
  publisher?: StockAlertPublisher | undefined;
}

export const STOCK_ROLES: Role[] = ['dispatcher', 'admin', 'community_staff'];
const CATALOGUE_ROLES: Role[] = ['dispatcher', 'admin'];

/** Starts a CSV download; rows follow through `write`. */
function csvResponse(res: Response, filename: string): (chunk: string) => void {
  res.status(200).type('text/csv; charset=utf-8').setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  return (chunk) => {
    res.write(chunk);
  };
}

export function stockRoutes(deps: StockRouteDeps, authenticated: RequestHandler): Router {
  const router = Router();
  const staff = [authenticated, requireRole(...STOCK_ROLES)];
  const catalogue = [authenticated, requireRole(...CATALOGUE_ROLES)];
  const svc = { db: deps.db, clock: deps.clock, publisher: deps.publisher };

  router.get('/api/stock/items', ...staff, async (_req, res) => {
    res.json({ items: await listCatalogue(deps) });
  });
  router.post('/api/stock/items', ...catalogue, async (req, res) => {
    const item = await defineItem(deps, jsonBody(req, itemInputSchema));
    await accessOf(res).allowed('stock.item.create', 'item', item.code);
    res.status(201).json({ item });
  });
  router.get('/api/stock/kits/:code', ...staff, async (req, res) => {
    res.json({ kit: await readKit(deps, pathParams(req, kitParams).code) });
  });
  router.put('/api/stock/kits/:code', ...catalogue, async (req, res) => {
    const { code } = pathParams(req, kitParams);
    const kit = await defineKit(deps, code, jsonBody(req, kitInputSchema));
    await accessOf(res).allowed('stock.kit.define', 'kit', code);
    res.json({ kit });
  });
  router.get('/api/stock/kits/:code/expansion', ...staff, async (req, res) => {
    const { code } = pathParams(req, kitParams);
    const q = queryParams(req, expandQuery);
    res.json({ code, ...q, items: await expand(deps, code, q.quantity, q.members) });
  });

  router.get('/api/stock/balances', ...staff, async (req, res) => {
    res.json({ balances: await stockBalances(deps, queryParams(req, balancesQuery)) });
  });
  router.post('/api/stock/receipts', ...staff, async (req, res) => {
    const body = jsonBody(req, receiptSchema);
    const out = await receiveStock(svc, body, actorOf(res).userId);
    await accessOf(res).allowed('stock.receipt', 'depot', body.depotId);
    res.status(201).json(out);
  });
  router.post('/api/stock/transfers', ...staff, async (req, res) => {
    const body = jsonBody(req, transferSchema);
    const out = await transferStock(svc, body, actorOf(res).userId);
    await accessOf(res).allowed('stock.transfer', 'depot', body.fromDepotId);
    res.status(201).json(out);
  });
  router.post('/api/stock/adjustments', ...staff, async (req, res) => {
    const body = jsonBody(req, adjustmentSchema);
    await adjustStock(svc, body, actorOf(res).userId);
    await accessOf(res).allowed('stock.adjustment', 'depot', body.depotId);
    res.status(201).json({ adjusted: true });
  });
  router.post('/api/stock/write-offs', ...staff, async (_req, res) => {
    const out = await writeOffExpired(svc, actorOf(res).userId);
    await accessOf(res).allowed('stock.expiry.write_off', 'stock', null);
    res.json(out);
  });
  router.put('/api/stock/minimums', ...staff, async (req, res) => {
    const body = jsonBody(req, minimumSchema);
    await setMinimum(svc, body);
    await accessOf(res).allowed('stock.minimum.set', 'depot', body.depotId);
    res.status(204).end();
  });
  router.get('/api/stock/alerts', ...staff, async (req, res) => {
    res.json({ alerts: await stockAlerts(deps, queryParams(req, alertsQuery)) });
  });

  router.get('/api/stock/ledger', ...staff, async (req, res) => {
    const q = queryParams(req, ledgerQuery);
    res.json(await ledgerPage(deps, { ...q, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined }));
  });
  router.get('/api/stock/ledger.csv', ...staff, async (req, res) => {
    const q = queryParams(req, exportPeriodQuery);
    await exportLedgerCsv(deps, { depotId: q.depotId, itemCode: q.itemCode, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined }, csvResponse(res, 'stock-ledger.csv'));
    res.end();
  });
  router.get('/api/stock/deliveries.csv', ...staff, async (req, res) => {
    const q = queryParams(req, exportPeriodQuery);
    await exportDeliveriesCsv(deps, actorOf(res), { from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined }, csvResponse(res, 'deliveries.csv'));
    res.end();
  });

  router.get('/api/stock/shortfall', ...staff, async (req, res) => {
    const q = queryParams(req, shortfallQuery);
    if (q.areaId && actorOf(res).role === 'community_staff') await accessOf(res).community(q.areaId, 'stock.shortfall.read');
    res.json({ shortfall: q.roundId ? await shortfallForRound(deps, q.roundId) : await shortfallForArea(deps, q.areaId as string) });
  });

  return router;
}
