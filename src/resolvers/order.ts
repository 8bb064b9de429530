import type { OrderResolvers } from '../generated/graphql.js';

export const Order: OrderResolvers = {
  /** Known from the order's own answer, or (ALOR) read from the broker's fills only when asked for. */
  averageFillPrice(order, _arguments, context) {
    if (order.averageFillPrice !== undefined) return order.averageFillPrice;
    return context.loaders.averageFillPrice.load({ account: order.account, orderId: order.id });
  },
};
