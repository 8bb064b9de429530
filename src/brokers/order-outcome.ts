import type { Order } from '../domain.js';
import { UpstreamRejectedError } from '../errors.js';

/**
 * An order the broker answered: accepted as it is, or — when the broker's answer says REJECTED
 * (the exchange refused it: price bands, funds, trading hours) — the refusal, with the broker's
 * reason. Every adapter's placeOrder ends here, so a refusal reads the same for every broker.
 */
export function acceptedOrder(order: Order, broker: { label: string; connection: string }): Order {
  if (order.status !== 'REJECTED') return order;
  throw new UpstreamRejectedError(`${broker.label} rejected order ${order.id}: ${order.message ?? 'no reason given'}`, { connection: broker.connection });
}
