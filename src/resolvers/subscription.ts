import type { SubscriptionResolvers } from '../generated/graphql.js';
import { subscribeOrderEvents, subscribePortfolio } from '../streams/account-subscriptions.js';
import { resolveStreamPayload, subscribeLastPrices, subscribeOrderbook } from '../streams/market-subscriptions.js';
import type { StreamPayload } from '../streams/client-subscription.js';
import type { LastPriceModel, OrderEventModel, OrderbookModel, PortfolioModel } from './models.js';

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
  portfolio: {
    subscribe: (_root, args, context) => subscribePortfolio(context, args),
    resolve: (payload: StreamPayload<PortfolioModel>) => resolveStreamPayload(payload),
  },
  orderEvents: {
    subscribe: (_root, args, context) => subscribeOrderEvents(context, args),
    resolve: (payload: StreamPayload<OrderEventModel>) => resolveStreamPayload(payload),
  },
};
