/**
 * What a need's cancel does beyond the need, inside the cancel's transaction.
 *
 * Medicine on a purchase order not yet received (its order line state `ordered`): the need is detached
 * from the order, so a later receipt does not pack it into a bag. While the order is still `open` (not
 * sent to the supplier) its line is reduced by the need's quantity (dropped at zero); once sent, the
 * line stays as ordered and the units that come in for it stay unpacked. Medicine already packed is
 * in a household bag, which is not depot stock (no item, no stock ledger row to release): the need's
 * share of the bag is recorded as returned (an append-only `medicine_bag_returns` row, shown on the
 * order's bag list) so the depot takes it out of the bag; the stock ledger is not touched.
 *
 * medical_pass: the need's pass, while it is not out yet (applied, under review, approved), is
 * cancelled with it (history row, audit row, transport legs taken off their trips). A pass that is
 * out (issued or later) refuses the need's cancel with 409: the pass is called in or handed back
 * through the pass routes, and the need follows it. A pass already closed is left alone.
 *
 * Locks: call `lockFollowups` BEFORE the need's row is locked, in the order the pass loop and the
 * procurement receipt take them (transport planning, then pass, then need; purchase order, then need).
 */
import type { Actor } from '../../domain/access';
import type { Pass } from '../../domain/pass';
import { OUT_STATUSES } from '../../domain/pass-status';
import { AppError } from '../../shared/errors';
import { findPass, movePass } from '../../store/pass.repository';
import { lockOrder, type OrderStatus } from '../../store/procurement.repository';
import { deleteLineUpTo, lockOrderNeed, orderIdOfNeed, reduceLine, unlinkOrderedNeed } from '../../store/procurement-need.repository';
import { recordBagReturn } from '../../store/procurement-receipt.repository';
import { latestPassIdOfNeed } from '../../store/pass-need.repository';
import { lockTransportPlanning } from '../../store/pass-transport.repository';

import { toAuditRow, type AuditService } from '../access/audit.service';
import { onPassMoved } from '../passes/pass-legs';
import type { Db } from '../../store/db';

/** What was locked for the need: its purchase order link and its pass, when it has them. */
export interface Followups {
  order?: { orderId: string; status: OrderStatus; lineId: string; quantity: number; state: string };
  pass?: Pass;
}

/** Locks the need's purchase order (with its link row) and its pass; call before locking the need. */
export async function lockFollowups(trx: Db, needId: string): Promise<Followups> {
  const out: Followups = {};
  const orderId = await orderIdOfNeed(trx, needId);
  if (orderId) {
    const order = await lockOrder(trx, orderId);
    // Read again under the order's lock: a receipt may have packed it meanwhile.
    const row = await lockOrderNeed(trx, needId);
    if (order && row) out.order = { orderId: order.id, status: order.status, lineId: row.lineId, quantity: row.quantity, state: row.state };
  }
  const passId = await latestPassIdOfNeed(trx, needId);
  if (passId) {
    // Its legs may come off their trips: the planning lock before the pass, the order transport batches take them in.
    await lockTransportPlanning(trx);
    const pass = await findPass(trx, passId, true);
    if (pass) out.pass = pass;
  }
  return out;
}

/** Refuses the cancel (409) when the need's pass is out; call before anything is written. */
export function assertPassAllowsCancel(f: Followups): void {
  if (f.pass && OUT_STATUSES.includes(f.pass.status)) {
    throw new AppError('invalid_transition',
      `the pass for this need is ${f.pass.status}: call it in (cancel) or record its hand-back (return) through the pass routes; the need follows the pass`,
      { details: { passId: f.pass.id, passStatus: f.pass.status } });
  }
}

const BEFORE_ISSUE: readonly Pass['status'][] = ['applied', 'under_review', 'approved'];

/** Runs after the need is cancelled (so the pass loop leaves the need alone). Returns a cancelled pass, to publish after commit. */
export async function applyFollowups(
  trx: Db, f: Followups, need: { id: string },
  ctx: { actor: Actor; at: Date; audit?: AuditService | undefined; reqId: string | null },
): Promise<{ cancelledPass?: Pass }> {
  if (f.order?.state === 'ordered') await detachFromOrder(trx, need.id, f.order);
  // The packed need's medicine comes out of its household bag: one ledger row (ids and a fixed reason only).
  if (f.order?.state === 'packed') await recordBagReturn(trx, need.id, ctx.actor.userId, ctx.at);
  if (!f.pass || !BEFORE_ISSUE.includes(f.pass.status)) return {};
  const moved = await movePass(trx, f.pass, f.pass.status, 'cancelled', {
    actor: ctx.actor.userId, at: ctx.at, note: `need ${need.id} cancelled`,
    ...(ctx.audit ? { audit: toAuditRow({ actor: ctx.actor, action: 'pass.cancel', subjectType: 'pass', outcome: 'allowed', reqId: ctx.reqId }) } : {}),
  });
  if (!moved) throw new AppError('conflict', 'the pass for this need changed meanwhile; reload it and retry');
  await onPassMoved(trx, moved, ctx.at);
  return { cancelledPass: moved };
}

async function detachFromOrder(trx: Db, needId: string, o: NonNullable<Followups['order']>): Promise<void> {
  await unlinkOrderedNeed(trx, needId);
  if (o.status !== 'open') return; // sent: the supplier has the line as it was
  // At zero the line goes: only this need was on it (every need adds a positive quantity).
  if (!(await reduceLine(trx, o.lineId, o.quantity))) await deleteLineUpTo(trx, o.lineId, o.quantity);
}
