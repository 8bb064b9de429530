import type { MutationResolvers } from '../generated/graphql.js';
import { cancelOrder, placeOrder } from '../trading/orders.js';
import { tradingRequest } from '../trading/request.js';

export const Mutation: MutationResolvers = {
  placeOrder: (_parent, { input }, context) => placeOrder(tradingRequest(context), input),
  cancelOrder: (_parent, { accountId, orderId }, context) => cancelOrder(tradingRequest(context), accountId, orderId),
};
