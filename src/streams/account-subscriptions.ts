import { findVisibleAccount } from '../access.js';
import type { GatewayContext } from '../context.js';
import { toOrderEventModel, toPortfolioModel, type AccountModel, type OrderEventModel, type PortfolioModel } from '../resolvers/models.js';
import { QueueMailbox, type StreamPayload } from './client-subscription.js';
import { accountTopicKey, type AccountTopicKind, type TopicEvent } from './feed.js';
import { openClientStream, presentOnce } from './market-subscriptions.js';

/**
 * `Subscription.portfolio` and `Subscription.orderEvents` (README, "Live accounts"): the account
 * first, as for queries — a token sees only its accounts, and any other id is NOT_FOUND, the same
 * as one that does not exist — then the hub, which shares one topic per account between every
 * client of it (streams/accounts/ does the upstream work).
 */

/** Order events a client may leave unread before its subscription ends (it must then re-read `orders`). */
export const maximumUnreadOrderEvents = 1_000;

export async function subscribePortfolio(context: GatewayContext, args: { accountId: string }): Promise<AsyncIterable<StreamPayload<PortfolioModel>>> {
  const account = await followedAccount(context, args.accountId, 'portfolio');
  return openClientStream(context, account.connection, [{ topic: topicOf(account, 'portfolio') }], (event) => {
    if (event.kind !== 'portfolio') throw new TypeError(`an ${event.kind} event on a portfolio subscription`);
    return presentOnce(event, 0, () => toPortfolioModel(account, event.portfolio));
  });
}

export async function subscribeOrderEvents(context: GatewayContext, args: { accountId: string }): Promise<AsyncIterable<StreamPayload<OrderEventModel>>> {
  const account = await followedAccount(context, args.accountId, 'orderEvents');
  const present = (event: TopicEvent) => {
    if (event.kind !== 'orderEvents') throw new TypeError(`an ${event.kind} event on an order event subscription`);
    return presentOnce(event, 0, () => toOrderEventModel(account, event.event));
  };
  // Never conflated: every change must arrive, or the subscription must end saying it could not.
  return openClientStream(context, account.connection, [{ topic: topicOf(account, 'orderEvents') }], present, new QueueMailbox(maximumUnreadOrderEvents, 'order events'));
}

async function followedAccount(context: GatewayContext, accountId: string, kind: AccountTopicKind): Promise<AccountModel> {
  const account = await findVisibleAccount(context, accountId);
  context.streams.requireKind(account.connection, kind);
  return account;
}

function topicOf(account: AccountModel, kind: AccountTopicKind) {
  return { kind, key: accountTopicKey(kind, account.brokerAccountId), brokerAccountId: account.brokerAccountId };
}
