import type { MutationResolvers } from '../generated/graphql.js';
import { cancelOrder, placeOrder } from '../trading/orders.js';

export const Mutation: MutationResolvers = {
  placeOrder: (_parent, { input }, context) => placeOrder(context, input),
  cancelOrder: (_parent, { accountId, orderId }, context) => cancelOrder(context, accountId, orderId),
};
