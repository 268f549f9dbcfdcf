/**
 * Medicine is not depot stock: a round takes a routine medicine need only once it was bought and
 * packed in a household bag. So between the day's intake and its medicine round the admin (as a
 * district pharmacy desk would) rolls the needs up into purchase orders, sends each and records its
 * receipt: every line received in full but one in 50, reported out of stock (its needs then fail
 * with that reason, which the household sees).
 */
import { callThrough, expectStatus } from './http';

export interface Procured { orders: number; lines: number; unavailable: number }

export async function procureMedicine(url: string, token: string): Promise<Procured> {
  const out: Procured = { orders: 0, lines: 0, unavailable: 0 };
  const rolled = expectStatus(await callThrough(url, 'POST', '/api/procurement/roll-up', token), [200], 'roll-up');
  const orders = rolled.body.orders as string[];
  for (const orderId of orders) {
    expectStatus(await callThrough(url, 'POST', `/api/procurement/orders/${orderId}/send`, token), [200, 204], 'send order');
    const order = expectStatus(await callThrough(url, 'GET', `/api/procurement/orders/${orderId}`, token), [200], 'read order');
    const lines = (order.body.order as { lines: { id: string; quantity: number }[] }).lines;
    for (let i = 0; i < lines.length; i += 1000) {
      const part = lines.slice(i, i + 1000);
      const received = part.filter((_, k) => (i + k) % 50 !== 49).map((l) => ({ lineId: l.id, quantity: l.quantity }));
      const unavailable = part.filter((_, k) => (i + k) % 50 === 49).map((l) => ({ lineId: l.id, reason: 'out_of_stock' }));
      expectStatus(await callThrough(url, 'POST', `/api/procurement/orders/${orderId}/receipts`, token, { received, unavailable }), [200], 'receipt');
      out.lines += part.length;
      out.unavailable += unavailable.length;
    }
    out.orders++;
  }
  return out;
}
