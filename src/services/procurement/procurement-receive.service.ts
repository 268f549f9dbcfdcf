/**
 * Receiving a purchase order, fully or in part: received units cover whole needs (most urgent, then
 * oldest first); the needs covered are packed into one bag per household, labelled with an opaque id
 * (the id drivers see: it says nothing medical), which makes them deliverable. A line reported
 * unavailable fails its waiting needs with the reason, so the household sees why.
 */
import { randomInt } from 'node:crypto';
import { coverNeeds, receiptLinesSchema, UNAVAILABLE_REASONS } from '../../domain/procurement';
import { parseInput } from '../../domain/stock';
import { AppError, notFound } from '../../shared/errors';
import { lockOrder, setOrderStatus } from '../../store/procurement.repository';
import { failAcceptedNeeds, insertBag, lineIdsOfOrder, orderStillPending, pendingNeedsOfOrder, receiveUnits, setNeedState, type MedicineBag, type PendingNeed } from '../../store/procurement-receipt.repository';

import type { Access } from '../access/authorization.service';
import type { ProcurementDeps } from './procurement.service';

const BAG_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O or 1/I: read aloud at the door

export function newBagId(): string {
  let s = '';
  for (let i = 0; i < 10; i++) s += BAG_ALPHABET[randomInt(BAG_ALPHABET.length)];
  return `MB-${s}`;
}

export interface ReceiveResult {
  status: 'partly_received' | 'received';
  /** Bags packed by this receipt. */
  bags: MedicineBag[];
  /** Needs failed because their drug could not be bought. */
  failed: string[];
}

export async function receiveOrder(deps: Pick<ProcurementDeps, 'db' | 'clock'>, access: Access, orderId: string, input: unknown): Promise<ReceiveResult> {
  const body = parseInput(receiptLinesSchema, input);
  const at = deps.clock.now();
  const actor = access.actor.userId;
  return deps.db.transaction().execute(async (trx) => {
    const order = await lockOrder(trx, orderId);
    if (!order) throw notFound('purchase order');
    await access.community(order.communityId, 'procurement.order.receive');
    if (order.status === 'received') throw new AppError('invalid_transition', 'this purchase order is already fully received', { details: { orderStatus: order.status } });
    const lines = await lineIdsOfOrder(trx, orderId);
    const named = [...body.received.map((r) => r.lineId), ...body.unavailable.map((u) => u.lineId)];
    const stranger = named.findIndex((id) => !lines.has(id));
    if (stranger >= 0) throw new AppError('validation', 'a line is not on this order', { errors: [{ path: ['lines', stranger], message: 'not a line of this order' }] });
    if (new Set(named).size !== named.length) throw new AppError('validation', 'a line is named twice', { errors: [{ path: ['lines'], message: 'each line at most once' }] });

    const pending = await pendingNeedsOfOrder(trx, orderId);
    const packed: PendingNeed[] = [];
    for (const r of body.received) {
      const units = await receiveUnits(trx, r.lineId, r.quantity);
      const waiting = pending.filter((p) => p.lineId === r.lineId);
      const covered = new Set(coverNeeds(waiting, units));
      packed.push(...waiting.filter((p) => covered.has(p.needId)));
    }
    await setNeedState(trx, packed.map((p) => p.needId), 'packed', null);
    const bags = await packBags(trx, orderId, packed, actor, at);

    const failed: string[] = [];
    for (const u of body.unavailable) {
      const waiting = pending.filter((p) => p.lineId === u.lineId).map((p) => p.needId);
      const reason = `medicine could not be bought: ${UNAVAILABLE_REASONS[u.reason]}`;
      await setNeedState(trx, waiting, 'unavailable', u.reason);
      failed.push(...(await failAcceptedNeeds(trx, waiting, reason, actor, at)));
    }
    const status = (await orderStillPending(trx, orderId)) ? 'partly_received' : 'received';
    await setOrderStatus(trx, orderId, status, at);
    await access.allowed('procurement.order.receive', 'purchase_order', orderId, trx);
    return { status, bags, failed };
  });
}

/** One bag per household for the needs packed now (a household with two drugs gets one bag). */
async function packBags(trx: Parameters<typeof insertBag>[0], orderId: string, packed: PendingNeed[], actor: string, at: Date): Promise<MedicineBag[]> {
  const byHousehold = new Map<string, PendingNeed[]>();
  for (const p of packed) byHousehold.set(p.householdId, [...(byHousehold.get(p.householdId) ?? []), p]);
  const out: MedicineBag[] = [];
  for (const [householdId, needs] of byHousehold) {
    const first = needs[0] as PendingNeed;
    const bag = { bagId: newBagId(), householdId, corridorId: first.corridorId, needIds: needs.map((n) => n.needId).sort() };
    await insertBag(trx, { id: bag.bagId, householdId, corridorId: bag.corridorId, orderId, actor, at }, bag.needIds);
    out.push(bag);
  }
  return out;
}
