import type { SubscriptionResolvers } from '../generated/graphql.js';
import { resolveStreamPayload, subscribeLastPrices, subscribeOrderbook } from '../streams/market-subscriptions.js';
import type { StreamPayload } from '../streams/client-subscription.js';
import type { LastPriceModel, OrderbookModel } from './models.js';

/** Live data: the streams (src/streams/) do the work; each event resolves to its value or throws the error that ends it. */
export const Subscription: SubscriptionResolvers = {
  orderbook: {
    subscribe: (_root, args, context) => subscribeOrderbook(context, args),
    resolve: (payload: StreamPayload<OrderbookModel>) => resolveStreamPayload(payload),
  },
  lastPrices: {
    subscribe: (_root, args, context) => subscribeLastPrices(context, args),
    resolve: (payload: StreamPayload<LastPriceModel>) => resolveStreamPayload(payload),
  },
};
