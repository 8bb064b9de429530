import { accountCapabilities } from '../brokers/capabilities.js';
import { instrumentRefFromInput } from '../brokers/instrument-input.js';
import type { AccountResolvers } from '../generated/graphql.js';
import { brokerEnumValue } from './broker.js';
import { accountHistory, operationsFromJournal } from './history.js';
import { selectedPortfolioParts } from './selection.js';

export const Account: AccountResolvers = {
  broker: (account) => brokerEnumValue(account.connection),
  status: (account) => account.status ?? null,
  capabilities: (account) => accountCapabilities(account.connection.definition.capabilities, account),
  portfolio: (account, _arguments, context, info) => context.loaders.portfolio.load(account, selectedPortfolioParts(info)),
  orders: (account, _arguments, context) => context.loaders.orders.load(account),

  async operations(account, { from, to, instrument }, context) {
    const filter = instrument
      ? await context.loaders.instrument.load({
          connection: account.connection,
          ref: instrumentRefFromInput(account.connection, instrument),
        })
      : null;
    const journaled = await operationsFromJournal(account, { from, to, instrumentKey: filter?.key }, context);
    return journaled ?? context.loaders.operations.load({ account, from, to, instrument: filter });
  },

  ...accountHistory,
};
