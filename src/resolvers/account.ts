import { accountCapabilities, wholePortfolio } from '../brokers/adapter.js';
import type { AccountResolvers } from '../generated/graphql.js';
import { selectedPortfolioParts } from './selection.js';
import { brokerEnum, instrumentRefFromInput } from './shared.js';

export const Account: AccountResolvers = {
  broker: (account) => brokerEnum(account.connection.broker),
  status: (account) => account.status ?? null,
  capabilities: (account) => accountCapabilities(account.connection.adapter.capabilities, account),
  // The benchmark's naive mode reads the whole portfolio, as a resolver blind to the selection would.
  portfolio: (account, _arguments, context, info) =>
    context.loaders.portfolio.load(account, context.naive ? wholePortfolio : selectedPortfolioParts(info)),
  orders: (account, _arguments, context) => context.loaders.orders.load(account),

  async operations(account, { from, to, instrument }, context) {
    const filter = instrument
      ? await context.loaders.instrument.load({
          connection: account.connection,
          ref: instrumentRefFromInput(account.connection, instrument),
        })
      : null;
    return context.loaders.operations.load({ account, from, to, instrument: filter });
  },
};
