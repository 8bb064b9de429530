import { findVisibleAccount, requireConnection, visibleConnections } from '../access.js';
import { instrumentRefFromInput } from '../brokers/instrument-input.js';
import type { QueryResolvers } from '../generated/graphql.js';
import { toInstrumentModel } from './models.js';
import { listVisibleAccounts, validateOrderbookDepth } from './shared.js';

export const Query: QueryResolvers = {
  viewer: (_parent, _arguments, context) => context.viewer,
  connections: (_parent, _arguments, context) => visibleConnections(context),
  accounts: (_parent, _arguments, context, info) => listVisibleAccounts(context, info),
  account: (_parent, { id }, context) => findVisibleAccount(context, id),

  async instrument(_parent, { connection: connectionId, ref }, context) {
    const connection = requireConnection(context, connectionId);
    const info = await context.loaders.instrument.load({ connection, ref: instrumentRefFromInput(connection, ref) });
    return toInstrumentModel(connection, info);
  },

  orderbook(_parent, { connection: connectionId, instrument, depth }, context) {
    const connection = requireConnection(context, connectionId);
    return context.loaders.orderbook.load({
      connection,
      ref: instrumentRefFromInput(connection, instrument),
      depth: validateOrderbookDepth(depth),
    });
  },
};
